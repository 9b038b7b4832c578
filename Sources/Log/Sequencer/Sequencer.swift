import LedgerCrypto
public import Logging
public import ServiceLifecycle
public import SignedNote
import Synchronization

/// The single writer of a log (DESIGN.md §6): takes groups of payloads from any number of concurrent submitters,
/// batches them by size and age, assigns `index`, `prev` and `time`, asks the `SequencingGate`, writes the batch,
/// its tiles and one signed checkpoint to the store durably, and only then answers every waiter of the batch.
///
/// It is a swift-service-lifecycle `Service`: `run()` is the loop; graceful shutdown stops intake, finishes the
/// queued batches and their checkpoints, then returns. The queue is bounded: a full queue answers `overloaded`.
public final class Sequencer: Service, Sendable {
    private struct Pending {
        let payloads: [[UInt8]]
        let continuation: CheckedContinuation<SequencedGroup, any Error>
        let arrival: ContinuousClock.Instant
    }

    private struct Queue {
        var pending: [Pending] = []
        var queuedEntries = 0
        var stopping = false
        /// The loop, parked while there is nothing to do.
        var waiter: CheckedContinuation<Void, Never>?
    }

    public let config: SequencerConfig
    private let store: any LogStore
    private let gate: (any SequencingGate)?
    private let identity: LogIdentity
    /// Signs checkpoints and nothing else; its name is the origin.
    private let signer: any NoteSigner
    private let logger: Logger
    /// Guards the submission queue: submitters append, the loop takes. Never held across an `await`.
    private let queue = Mutex(Queue())
    /// The tree as last committed. Only the loop writes it (after a durable append); readers take snapshots.
    private let committed: Mutex<TreeHead>

    /// Creates a sequencer over a store whose head was loaded and checked by `TreeHead.load(from:identity:)`.
    public init(
        store: any LogStore, head: TreeHead, identity: LogIdentity, signer: any NoteSigner,
        gate: (any SequencingGate)? = nil, config: SequencerConfig = SequencerConfig(),
        logger: Logger = Logger(label: "certledger.sequencer")
    ) {
        precondition(signer.name == identity.origin, "the checkpoint key's name must be the log's origin")
        self.store = store
        self.committed = Mutex(head)
        self.identity = identity
        self.signer = signer
        self.gate = gate
        self.config = config
        self.logger = logger
    }

    /// The last durable tree head.
    public var head: TreeHead { committed.withLock { $0 } }

    /// Sequences one group atomically at consecutive indices and returns once it is durable.
    /// Throws `LogError` `.overloaded` (queue full), `.shuttingDown`, `.rejected`-style errors from the gate (passed
    /// through unchanged), `.entryTooLarge`, or `.storeFailed`.
    public func submit(_ payloads: [[UInt8]]) async throws -> SequencedGroup {
        guard !payloads.isEmpty else { throw LogError(.rejected, field: "entries", "a group needs at least one entry") }
        guard payloads.count <= config.maxGroupEntries else {
            throw LogError(.rejected, field: "entries",
                           "a group of \(payloads.count) entries exceeds the limit of \(config.maxGroupEntries)")
        }
        return try await withCheckedThrowingContinuation { continuation in
            enum Outcome { case queued(CheckedContinuation<Void, Never>?), refused(LogError) }
            let outcome: Outcome = queue.withLock { q in
                if q.stopping { return .refused(LogError(.shuttingDown, "the sequencer is shutting down")) }
                if q.queuedEntries + payloads.count > config.queueLimit {
                    return .refused(LogError(.overloaded,
                        "\(q.queuedEntries) entries are waiting (limit \(config.queueLimit)); retry later",
                        retryAfter: config.retryAfterSeconds))
                }
                q.pending.append(Pending(payloads: payloads, continuation: continuation, arrival: .now))
                q.queuedEntries += payloads.count
                defer { q.waiter = nil }
                return .queued(q.waiter)
            }
            switch outcome {
            case .queued(let waiter): waiter?.resume()
            case .refused(let error): continuation.resume(throwing: error)
            }
        }
    }

    /// The loop. Returns after a graceful shutdown once everything queued has been sequenced (or failed).
    public func run() async throws {
        logger.info("sequencer started", metadata: ["size": "\(head.size)"])
        await withGracefulShutdownHandler {
            while let batch = await nextBatch() {
                await process(batch)
            }
        } onGracefulShutdown: {
            self.stopIntake()
        }
        logger.info("sequencer stopped", metadata: ["size": "\(head.size)"])
    }

    /// Stops accepting submissions; the loop drains what is queued and `run()` returns.
    public func stopIntake() {
        let waiter = queue.withLock { q -> CheckedContinuation<Void, Never>? in
            q.stopping = true
            defer { q.waiter = nil }
            return q.waiter
        }
        waiter?.resume()
    }

    /// Waits for work; lingers up to `maxBatchDelay` for the batch to fill; nil once stopping and drained.
    private func nextBatch() async -> [Pending]? {
        while true {
            let state = queue.withLock { q in (q.pending.first?.arrival, q.queuedEntries, q.stopping) }
            if let oldest = state.0 {
                let deadline = oldest.advanced(by: config.maxBatchDelay)
                if state.1 < config.maxBatchEntries, !state.2, deadline > .now {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                }
                return takeBatch()
            }
            if state.2 { return nil }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = queue.withLock { q -> Bool in
                    if !q.pending.isEmpty || q.stopping { return true }
                    q.waiter = c
                    return false
                }
                if ready { c.resume() }
            }
        }
    }

    /// Takes whole groups, oldest first, up to `maxBatchEntries` entries (at least one group).
    private func takeBatch() -> [Pending] {
        queue.withLock { q in
            var count = 0
            var taken = 0
            for p in q.pending {
                if taken > 0 && count + p.payloads.count > config.maxBatchEntries { break }
                count += p.payloads.count
                taken += 1
            }
            let batch = Array(q.pending.prefix(taken))
            q.pending.removeFirst(taken)
            q.queuedEntries -= count
            return batch
        }
    }

    /// Sequences one batch: gate, entries, tiles, checkpoint, durable append, answers. Answers every waiter.
    private func process(_ batch: [Pending]) async {
        let start = head
        var tree = start
        let time = max(config.clock(), tree.lastTime)  // `time` never decreases along the log, even if the clock does
        let hasher = MerkleHasher(identity.hashAlgorithm)
        var accepted: [(Pending, [(entry: LogEntry, leaf: Hash256)])] = []
        var leafHashes: [Hash256] = []
        var entriesBytes: [[UInt8]] = []

        for pending in batch {
            var items: [(entry: LogEntry, leaf: Hash256)] = []
            var prev = tree.lastLeafHash
            do {
                for (offset, payload) in pending.payloads.enumerated() {
                    let entry = try LogEntry(index: tree.size + UInt64(offset), prev: prev, time: time, payload: payload)
                    let leaf = hasher.leafHash(entry.bytes)
                    items.append((entry, leaf))
                    prev = leaf
                }
                try gate?.admit(items.map(\.entry))
            } catch {
                pending.continuation.resume(throwing: error)
                continue
            }
            tree.size += UInt64(items.count)
            tree.lastLeafHash = prev
            leafHashes += items.map(\.leaf)
            entriesBytes += items.map(\.entry.bytes)
            accepted.append((pending, items))
        }
        guard !accepted.isEmpty else {
            gate?.commit()
            return
        }

        do {
            let update = try TileWriter(hasher: hasher).append(leafHashes, to: tree.edge)
            tree.edge = update.edge
            tree.root = update.rootHash
            tree.lastTime = time
            let body = try Checkpoint(origin: identity.origin, size: tree.size, rootHash: tree.root)
            let checkpoint = try SignedCheckpoint.sign(body, with: signer).bytes
            tree.checkpoint = checkpoint
            // The store's fsync and the batch's proofs overlap: proofs are CPU work on this task (one reader for
            // the whole batch, so they share tiles and memoized hashes), the append waits on the disk.
            let count = entriesBytes.count
            let batchToStore = LogBatch(firstIndex: start.size, entries: entriesBytes, tiles: update.tiles,
                                        checkpoint: checkpoint)
            let store = self.store
            async let durable: Void = store.append(batchToStore)
            let proofs: Result<[[Hash256]], any Error>
            do {
                proofs = .success(try await Self.inclusionProofs(first: start.size, count: count, update: update,
                                                                 store: store, hasher: hasher))
            } catch {
                proofs = .failure(error)
            }
            try await durable
            // From here the batch is in the log, whatever else happens: the state moves on.
            committed.withLock { $0 = tree }
            gate?.commit()
            guard case .success(let proofs) = proofs else {
                // Stored but unprovable right now (a read failed): the waiters are told so; a re-sent submission
                // finds its entry, and the proof can be fetched from the reader later.
                let failure = LogError(.storeFailed, "stored at \(start.size)..<\(tree.size), but the inclusion "
                    + "proofs could not be computed; ask for the entry again")
                for (pending, _) in accepted { pending.continuation.resume(throwing: failure) }
                return
            }
            var next = 0
            for (pending, items) in accepted {
                let answered = items.map { item -> SequencedGroup.Item in
                    defer { next += 1 }
                    return SequencedGroup.Item(entry: item.entry, leafHash: item.leaf, inclusionProof: proofs[next])
                }
                pending.continuation.resume(returning: SequencedGroup(items: answered, treeSize: tree.size,
                                                                      checkpoint: checkpoint))
            }
        } catch {
            gate?.abort()
            logger.error("batch not stored; nothing acknowledged", metadata: [
                "firstIndex": "\(start.size)", "entries": "\(leafHashes.count)", "error": "\(error)",
            ])
            let failure = LogError(.storeFailed, "the batch at index \(start.size) was not stored: \(error)")
            for (pending, _) in accepted { pending.continuation.resume(throwing: failure) }
            // A conflict (another writer) or an unknown outcome (the append failed after its commit): the store
            // is the truth. Take its head and let the gate see whatever entered the log meanwhile.
            await resynchronize(from: start)
        }
    }

    /// Inclusion proofs of entries `first ..< first + count` in the tree after `update`, from the batch's own new
    /// tiles in front of the store's older ones.
    private static func inclusionProofs(first: UInt64, count: Int, update: TileUpdate, store: any LogStore,
                                        hasher: MerkleHasher) async throws -> [[Hash256]] {
        let reader = TileHashReader(source: TileOverlay(update.tiles, over: LogStoreTileSource(store)),
                                    treeSize: update.size, hasher: hasher)
        var proofs: [[Hash256]] = []
        proofs.reserveCapacity(count)
        for i in 0..<UInt64(count) {
            proofs.append(try await reader.inclusionProof(index: first + i, size: update.size))
        }
        return proofs
    }

    /// Reloads the head from the store after a failed batch. If the store moved past `known` (a shared store, or
    /// an append that failed after committing), the gate observes the entries in between, in order.
    private func resynchronize(from known: TreeHead) async {
        do {
            let head = try await TreeHead.load(from: store, identity: identity)
            guard head.size != known.size else { return }
            if head.size > known.size, let gate {
                var index = known.size
                while index < head.size {
                    let end = min(head.size, index + 256)
                    gate.observe(try await store.entries(index..<end).map { try LogEntry(bytes: $0) })
                    index = end
                }
            }
            committed.withLock { $0 = head }
            logger.notice("sequencer resynchronized with the store", metadata: [
                "from": "\(known.size)", "to": "\(head.size)",
            ])
        } catch {
            logger.error("could not resynchronize with the store", metadata: ["error": "\(error)"])
        }
    }
}

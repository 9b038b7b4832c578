import LedgerCrypto
public import SignedNote

/// Re-verifies a whole stored log with nothing but the store and the log's checkpoint key (DESIGN.md §1, §7):
/// the checkpoint signature, every entry's envelope and `index`, the `prev` chain, non-decreasing `time`, every
/// stored hash tile (recomputed from the entries), every stored checkpoint (one per batch: signature, size, and root
/// against the entries before it — older checkpoints are served for proofs at their size), and the root against the
/// head's checkpoint.
///
/// Two stages (`VerifierChunk`): up to `lookahead` chunks of `chunk` entries are read, decoded, leaf-hashed and
/// `prepare`d concurrently — the layer above puts its signature checks there, and the checkpoints stored inside a
/// chunk have their signatures checked there too — while one sequential walk consumes
/// the chunks strictly in log order and checks everything that depends on the entries before (index, chain, time,
/// the `visit` state machine, tiles, root). Memory is bounded by the window (`lookahead` × `chunk` entries)
/// whatever the log's size. The first problem in log order ends the run with its index and reason; a failed check
/// is a result, not a thrown error — errors are kept for "could not answer" (the checkpoint is unreadable).
public struct LogVerifier: Sendable {
    public let store: any LogStore
    public let identity: LogIdentity
    /// Entries read and prepared per task.
    public var chunk: Int = TileLayout.width
    /// Chunks in flight ahead of the sequential walk (at least 1). Two per core keeps both cores busy while the
    /// walk consumes one chunk and the next is being read.
    public var lookahead: Int = 4
    /// The share of the time the run works (0 < d ≤ 1): below 1 the walk sleeps after each chunk for as long as
    /// the chunk took × (1 − d) / d, so a verification beside live traffic (the daemon's, after start-up) leaves
    /// most of the machine to it. 1, the default, never pauses.
    public var dutyCycle: Double = 1
    /// A rule the last entry of every checkpointed tree must meet, the layer above's (a ledger closes every batch
    /// with a `map.root` entry): nil when it does, else why not. A stored checkpoint whose tree ends otherwise is a
    /// failure at that entry.
    public var checkpointedTreeEnd: (@Sendable (LogEntry) -> String?)?

    public init(store: any LogStore, identity: LogIdentity) {
        self.store = store
        self.identity = identity
    }

    /// What a run found.
    public struct Report: Sendable, CustomStringConvertible {
        /// Entries verified (the tree size when `failure` is nil).
        public let verifiedEntries: UInt64
        /// Stored checkpoints verified (every one when `failure` is nil).
        public var verifiedCheckpoints: UInt64 = 0
        /// The verified checkpoint, if it verified.
        public let checkpoint: SignedCheckpoint?
        /// The first problem: the entry index it concerns (nil for the checkpoint itself) and why.
        public let failure: (index: UInt64?, reason: String)?

        public var isValid: Bool { failure == nil }

        public var description: String {
            if let failure {
                return "FAILED at \(failure.index.map { "index \($0)" } ?? "checkpoint"): \(failure.reason)"
            }
            return "OK: \(verifiedEntries) entries, root \(checkpoint?.checkpoint.rootHash.base64 ?? "-")"
        }
    }

    /// Verifies everything. `visit` sees every verified entry in order (the Registry audit checks signatures and
    /// state there); throwing from it ends the run with that entry as the failure. `progress` is told the number
    /// of entries done after each chunk.
    public func verify(
        visit: (LogEntry) throws -> Void = { _ in },
        progress: (UInt64, UInt64) -> Void = { _, _ in }
    ) async throws -> Report {
        try await verify(chunkPreparer: { { @Sendable entries in entries.map { _ in () } } },
                         visit: { entry, _ in try visit(entry) }, progress: progress)
    }

    /// Verifies everything, with order-independent work on each chunk of entries done ahead, concurrently.
    ///
    /// `preparer` is called by the sequential walk each time it starts a chunk ahead, and returns the function that
    /// chunk's task runs on the chunk's well-formed entries (in log order; it must answer one value per entry, in
    /// the same order — a chunk answered otherwise fails the run). It may capture a snapshot of what the walk knows
    /// so far (e.g. the keys registered up to the walk's position), but must not rely on entries after that
    /// position; seeing a whole chunk, it can do like work together (the Registry decodes a chunk, then checks its
    /// signatures back to back). `visit` then receives each entry with its prepared value, in log order; it must
    /// check again, or redo, whatever the snapshot could not decide. Throwing from `visit` ends the run with that
    /// entry as the failure.
    public func verify<Prepared: Sendable>(
        chunkPreparer preparer: () -> @Sendable ([LogEntry]) -> [Prepared],
        visit: (LogEntry, Prepared) throws -> Void,
        progress: (UInt64, UInt64) -> Void = { _, _ in }
    ) async throws -> Report {
        guard let head = try await store.head() else {
            return Report(verifiedEntries: 0, checkpoint: nil, failure: nil)
        }
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(opening: head.checkpoint, logVerifier: identity.verifier)
        } catch {
            return Report(verifiedEntries: 0, checkpoint: nil,
                          failure: (nil, "the checkpoint does not verify with \(identity.verifier.name): \(error)"))
        }
        guard signed.checkpoint.size == head.size else {
            return Report(verifiedEntries: 0, checkpoint: signed, failure: (
                nil, "the stored size is \(head.size), the checkpoint's \(signed.checkpoint.size)"))
        }
        var walk = VerifierWalk(store: store, hasher: MerkleHasher(identity.hashAlgorithm),
                                treeEnd: checkpointedTreeEnd)
        let size = head.size, step = UInt64(max(1, chunk)), window = max(1, lookahead)
        let store = self.store, algorithm = identity.hashAlgorithm, verifier = identity.verifier
        let failure: (index: UInt64?, reason: String)? = try await withThrowingTaskGroup(
            of: VerifierChunk<Prepared>.self
        ) { group in
            var launched: UInt64 = 0
            var ready: [UInt64: VerifierChunk<Prepared>] = [:]
            func launch() {
                let start = launched
                let end = min(size, start + step)
                let prepare = preparer()
                group.addTask {
                    await VerifierChunk.load(start..<end, from: store, hashAlgorithm: algorithm, verifier: verifier,
                                             prepare: prepare)
                }
                launched = end
            }
            while launched < size, launched < step * UInt64(window) { launch() }
            var next: UInt64 = 0
            let pace = min(1, max(0.01, dutyCycle))
            var mark = ContinuousClock.now
            while next < size {
                while ready[next] == nil {
                    guard let done = try await group.next() else { break }
                    ready[done.range.lowerBound] = done
                }
                guard let current = ready.removeValue(forKey: next) else {
                    return (next, "entries from \(next) were never read")
                }
                if let failure = try await walk.consume(current, visit: visit) {
                    group.cancelAll()
                    return failure
                }
                next = current.range.upperBound
                progress(next, size)
                if pace < 1 {
                    try await Task.sleep(for: (ContinuousClock.now - mark) * ((1 - pace) / pace))
                    mark = .now
                }
                if launched < size { launch() }
            }
            return nil
        }
        if let failure {
            return Report(verifiedEntries: walk.verified, verifiedCheckpoints: walk.checkpointsVerified,
                          checkpoint: signed, failure: failure)
        }
        let root = walk.edge.rootHash(using: walk.hasher)
        guard root == signed.checkpoint.rootHash else {
            return Report(verifiedEntries: size, verifiedCheckpoints: walk.checkpointsVerified, checkpoint: signed,
                          failure: (nil, "the entries give root \(root.base64) at size \(size), the checkpoint says "
                                    + "\(signed.checkpoint.rootHash.base64)"))
        }
        return Report(verifiedEntries: size, verifiedCheckpoints: walk.checkpointsVerified, checkpoint: signed,
                      failure: nil)
    }
}

import LedgerCrypto
import SignedNote

/// One attempt at a batch, in the steps it takes: admit the groups onto the head, close the batch with the
/// finisher's entry, seal it (tiles, root, signed checkpoint), store it durably while its proofs are computed, commit
/// the gate and the finisher and publish the new head, answer the waiters. Each step is a function of its own; the
/// order between them is the sequencer's durability contract (DESIGN.md §6): nothing is answered before the store
/// holds the batch, and nothing is published before the gate and the finisher hold it.
extension Sequencer {
    /// A batch being built on top of `start`: the groups the gate admitted so far, and every entry's bytes and leaf
    /// hash in log order (the closing entry, once added, last).
    struct Draft {
        /// The head the batch is built on; the store's compare-and-swap expects it.
        let start: TreeHead
        /// The time of every entry of the batch.
        let time: Timestamp
        /// The tree with the batch's entries chained on (size, last leaf); root, edge and checkpoint are set by
        /// `seal`.
        var tree: TreeHead
        /// The admitted groups with their entries, in log order.
        var groups: [(pending: Pending, items: [(entry: LogEntry, leaf: Hash256)])] = []
        var leafHashes: [Hash256] = []
        var entriesBytes: [[UInt8]] = []

        /// The admitted entries, whose waiters get proofs (the closing entry follows them).
        var answeredCount: Int { groups.reduce(0) { $0 + $1.items.count } }
    }

    /// A batch ready for the store: the head it makes, what the store writes, and the tiles the proofs come from.
    struct Sealed {
        let head: TreeHead
        let batch: LogBatch
        let update: TileUpdate
    }

    /// One attempt: every step below, on top of the current head, storing through `append`.
    func sequence(_ batch: [Pending], append: @escaping @Sendable (LogBatch) async throws -> Void) async
        -> Attempt {
        let hasher = MerkleHasher(identity.hashAlgorithm)
        var draft = admitGroups(batch, onto: head, hasher: hasher)
        guard !draft.groups.isEmpty else {
            gate?.commit()
            return .finished
        }
        do {
            try close(&draft, hasher: hasher)
            let sealed = try seal(draft, hasher: hasher)
            let proofs = try await storeDurably(sealed, answering: draft, append: append, hasher: hasher)
            commitAndPublish(sealed.head)
            answer(draft, in: sealed, proofs: proofs)
            return .finished
        } catch let error as LogStoreError where error.code == .conflict {
            // The compare-and-swap lost: by the store contract nothing of this batch was written.
            abortBatch()
            return .lostRace(draft.groups.map(\.pending), start: draft.start, error: error)
        } catch {
            abortBatch()
            logger.error("batch not stored; nothing acknowledged", metadata: [
                "firstIndex": "\(draft.start.size)", "entries": "\(draft.leafHashes.count)", "error": "\(error)",
            ])
            let failure = LogError(.storeFailed, "the batch at index \(draft.start.size) was not stored: \(error)")
            for (pending, _) in draft.groups { pending.respond(.failure(failure)) }
            // An unknown outcome (the append may have failed after its commit): the store is the truth. Take its
            // head and let the gate see whatever entered the log meanwhile.
            await resynchronize(from: draft.start)
            return .finished
        }
    }

    /// Admit: each group's entries get consecutive indices after `start` (and after the groups admitted before it),
    /// are chained by `prev` and stamped with one `time` that never decreases along the log; then the gate decides
    /// on the group, in log order. A group the gate (or the entry format) refuses is answered with that error here
    /// and takes no index. Nothing is stored yet; the gate holds the admitted groups tentatively.
    func admitGroups(_ batch: [Pending], onto start: TreeHead, hasher: MerkleHasher) -> Draft {
        let time = max(config.clock(), start.lastTime)  // `time` never decreases along the log, even if the clock does
        var draft = Draft(start: start, time: time, tree: start)
        for pending in batch {
            var items: [(entry: LogEntry, leaf: Hash256)] = []
            var prev = draft.tree.lastLeafHash
            do {
                for (offset, payload) in pending.payloads.enumerated() {
                    let entry = try LogEntry(index: draft.tree.size + UInt64(offset), prev: prev, time: time,
                                             payload: payload)
                    let leaf = hasher.leafHash(entry.bytes)
                    items.append((entry, leaf))
                    prev = leaf
                }
                if let admission = pending.admission {
                    try gate?.admit(items.map(\.entry), as: admission)
                } else {
                    try gate?.admit(items.map(\.entry))
                }
            } catch {
                pending.respond(.failure(error))
                continue
            }
            draft.tree.size += UInt64(items.count)
            draft.tree.lastLeafHash = prev
            draft.leafHashes += items.map(\.leaf)
            draft.entriesBytes += items.map(\.entry.bytes)
            draft.groups.append((pending, items))
        }
        return draft
    }

    /// Close: the finisher (if there is one) writes the entry that ends the batch, after every admitted entry.
    /// Throwing fails the whole batch.
    func close(_ draft: inout Draft, hasher: MerkleHasher) throws {
        guard let finisher else { return }
        let payload = try finisher.finish(draft.groups.flatMap { $0.items.map(\.entry) }, closingIndex: draft.tree.size)
        let closing = try LogEntry(index: draft.tree.size, prev: draft.tree.lastLeafHash, time: draft.time,
                                   payload: payload)
        let leaf = hasher.leafHash(closing.bytes)
        draft.tree.size += 1
        draft.tree.lastLeafHash = leaf
        draft.leafHashes.append(leaf)
        draft.entriesBytes.append(closing.bytes)
    }

    /// Seal: the batch's leaves go into the tiles, giving the new root and right edge, and the log's key signs the
    /// checkpoint of the new size. The result is the head to publish once the batch is durable, and the batch as the
    /// store writes it (entries, tiles and checkpoint in one transaction).
    func seal(_ draft: Draft, hasher: MerkleHasher) throws -> Sealed {
        var tree = draft.tree
        let update = try TileWriter(hasher: hasher).append(draft.leafHashes, to: tree.edge)
        tree.edge = update.edge
        tree.root = update.rootHash
        tree.lastTime = draft.time
        let body = try Checkpoint(origin: identity.origin, size: tree.size, rootHash: tree.root)
        tree.checkpoint = try SignedCheckpoint.sign(body, with: signer).bytes
        let batch = LogBatch(firstIndex: draft.start.size, entries: draft.entriesBytes, tiles: update.tiles,
                             checkpoint: tree.checkpoint)
        return Sealed(head: tree, batch: batch, update: update)
    }

    /// Store: `append` returns once the store holds the batch durably (its contract: fsync'd, or replicated, before
    /// it returns); meanwhile the waiters' inclusion proofs are computed on this task from the batch's own tiles in
    /// front of the store's (one reader for the whole batch, so they share tiles and memoized hashes). Throws if
    /// the append failed: then nothing may be acknowledged. Returns the proofs, or why they could not be computed
    /// (the batch is stored all the same).
    func storeDurably(_ sealed: Sealed, answering draft: Draft,
                      append: @escaping @Sendable (LogBatch) async throws -> Void,
                      hasher: MerkleHasher) async throws -> Result<[[Hash256]], any Error> {
        let batch = sealed.batch
        async let durable: Void = append(batch)
        let proofs: Result<[[Hash256]], any Error>
        do {
            proofs = .success(try await Self.inclusionProofs(first: draft.start.size, count: draft.answeredCount,
                                                             update: sealed.update, store: store, hasher: hasher))
        } catch {
            proofs = .failure(error)
        }
        try await durable
        return proofs
    }

    /// Commit and publish: the batch is in the log, whatever else happens, so the state moves on. The finisher and
    /// the gate keep their parts before the head is published, so a reader that takes the new head (with its
    /// checkpoint, as one value) finds them.
    func commitAndPublish(_ head: TreeHead) {
        finisher?.commit()
        gate?.commit()
        committed.publish(head)
    }

    /// Abort: nothing of the batch was stored; the gate and the finisher forget what they held of it.
    func abortBatch() {
        gate?.abort()
        finisher?.abort()
    }

    /// Answer: every admitted group gets its entries, leaf hashes and inclusion proofs against the batch's
    /// checkpoint. If the proofs could not be computed, the waiters are told their entries are stored but unproven
    /// right now (a re-sent submission finds its entry, and the proof can be fetched from the reader later).
    func answer(_ draft: Draft, in sealed: Sealed, proofs: Result<[[Hash256]], any Error>) {
        let tree = sealed.head
        guard case .success(let proofs) = proofs else {
            let failure = LogError(.storeFailed, "stored at \(draft.start.size)..<\(tree.size), but the inclusion "
                + "proofs could not be computed; ask for the entry again")
            for (pending, _) in draft.groups { pending.respond(.failure(failure)) }
            return
        }
        var next = 0
        for (pending, items) in draft.groups {
            let answered = items.map { item -> SequencedGroup.Item in
                defer { next += 1 }
                return SequencedGroup.Item(entry: item.entry, leafHash: item.leaf, inclusionProof: proofs[next])
            }
            pending.respond(.success(SequencedGroup(items: answered, treeSize: tree.size,
                                                    checkpoint: tree.checkpoint)))
        }
    }

    /// Inclusion proofs of entries `first ..< first + count` in the tree after `update`, from the batch's own new
    /// tiles in front of the store's older ones.
    static func inclusionProofs(first: UInt64, count: Int, update: TileUpdate, store: any LogStore,
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
}

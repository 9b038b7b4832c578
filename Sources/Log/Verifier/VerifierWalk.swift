import LedgerCrypto
import SignedNote

/// The sequential half of `LogVerifier`: consumes chunks in log order and checks what depends on the entries
/// before — index, the `prev` chain, non-decreasing time, the caller's `visit` — then recomputes the chunk's tiles
/// and compares them with the stored ones, and checks every checkpoint stored for a size inside the chunk (one per
/// batch: its size and its root against the tree of the entries before it; its signature the chunk's task has
/// checked, so that a log of small batches does not put a signature check per batch on this sequential half).
/// Holds the tree's right edge only: O(log n) memory.
struct VerifierWalk {
    let store: any LogStore
    let hasher: MerkleHasher
    var edge = TreeEdge()
    /// The same tree as `edge`, leaf by leaf, for the root at every stored checkpoint's size.
    var frontier = MerkleFrontier()
    /// Stored checkpoints verified so far.
    var checkpointsVerified: UInt64 = 0
    var prev = Hash256.zero
    var lastTime = Timestamp(millisecondsSinceEpoch: Int64.min)
    /// Entries verified so far.
    var verified: UInt64 = 0

    /// The rule a checkpointed tree's last entry must meet (`LogVerifier.checkpointedTreeEnd`).
    let treeEnd: (@Sendable (LogEntry) -> String?)?

    init(store: any LogStore, hasher: MerkleHasher, treeEnd: (@Sendable (LogEntry) -> String?)? = nil) {
        self.store = store
        self.hasher = hasher
        self.treeEnd = treeEnd
    }

    /// Checks one chunk (which must start at `verified`); returns the first failure, or nil when it all holds.
    mutating func consume<Prepared>(_ chunk: VerifierChunk<Prepared>,
                                    visit: (LogEntry, Prepared) throws -> Void) async throws
        -> (index: UInt64?, reason: String)? {
        let start = chunk.range.lowerBound, end = chunk.range.upperBound
        if let readError = chunk.readError {
            return (start, "entries \(start)..<\(end) cannot be read: \(readError)")
        }
        let entries = chunk.entries, hashes = chunk.leafHashes, prepared = chunk.prepared
        // The checkpoints signed for trees that end inside this chunk (sizes start+1 … end), opened by the chunk's
        // task.
        if let error = chunk.checkpointsError {
            return (start, "the checkpoints of sizes \(start + 1)...\(end) cannot be read: \(error)")
        }
        let signed = chunk.checkpoints
        var nextSigned = signed.startIndex
        for offset in entries.indices {
            let i = start + UInt64(offset)
            let entry = entries[offset]
            guard entry.index == i else { return (i, "the entry says it is index \(entry.index)") }
            guard entry.prev == prev else {
                return (i, "prev is \(entry.prev.base64) but entry \(i == 0 ? "-" : String(i - 1)) hashes to "
                    + "\(prev.base64): the chain is broken")
            }
            guard entry.time >= lastTime else {
                return (i, "time \(entry.time) is earlier than the previous entry's \(lastTime)")
            }
            guard offset < prepared.count else { return (i, "the entry was not prepared") }
            do { try visit(entry, prepared[offset]) } catch { return (i, "\(error)") }
            prev = hashes[offset]
            lastTime = entry.time
            frontier.append(hashes[offset], using: hasher)
            verified = i + 1
            while nextSigned < signed.endIndex, signed[nextSigned].stored.size <= verified {
                if let failure = check(signed[nextSigned].stored, opened: signed[nextSigned].opened) {
                    return failure
                }
                if let treeEnd, let reason = treeEnd(entry) {
                    return (i, "the checkpoint of size \(verified) ends with entry \(i), which \(reason)")
                }
                nextSigned += 1
            }
        }
        if let error = chunk.decodeFailure {
            return (start + UInt64(entries.count), "the entry does not decode: \(error)")
        }
        guard entries.count == chunk.range.count else {
            return (start + UInt64(entries.count), "entry missing below size \(end)")
        }
        let update: TileUpdate
        do { update = try TileWriter(hasher: hasher).append(hashes, to: edge) } catch {
            verified = start
            return (start, "tiles cannot be computed: \(error)")
        }
        for (key, computed) in update.tiles.sorted(by: { $0.key < $1.key }) {
            let stored: [UInt8]?
            do { stored = try await store.tile(key) } catch {
                verified = start
                return (start, "\(key) cannot be read: \(error)")
            }
            guard let stored, stored.count >= computed.count,
                  stored.prefix(computed.count).elementsEqual(computed) else {
                verified = start
                let firstBad = Self.firstDifferingLeaf(key: key, stored: stored ?? [], computed: computed)
                return (firstBad, "stored \(key) differs from the one recomputed from the entries")
            }
        }
        edge = update.edge
        return nil
    }

    /// A stored checkpoint against the tree walked so far (`frontier`, whose size the caller has reached): signed by
    /// the log's key (`opened`: what opening it with that key gave), for its own size, and with the root of the
    /// entries before it.
    mutating func check(_ stored: LogHead, opened result: Result<SignedCheckpoint, NoteError>)
        -> (index: UInt64?, reason: String)? {
        let last = stored.size - 1
        let opened: SignedCheckpoint
        switch result {
        case .success(let checkpoint): opened = checkpoint
        case .failure(let error):
            return (last, "the checkpoint stored for size \(stored.size) does not verify: \(error)")
        }
        guard opened.checkpoint.size == stored.size else {
            return (last, "the checkpoint stored for size \(stored.size) is for size \(opened.checkpoint.size)")
        }
        guard stored.size == frontier.size else {
            return (last, "a checkpoint is stored for size \(stored.size), between entries")
        }
        let root = frontier.rootHash(using: hasher)
        guard opened.checkpoint.rootHash == root else {
            return (last, "the checkpoint stored for size \(stored.size) says root "
                + "\(opened.checkpoint.rootHash.base64), the entries give \(root.base64)")
        }
        checkpointsVerified += 1
        return nil
    }

    /// The first leaf index covered by the first differing hash of a tile (for the report).
    static func firstDifferingLeaf(key: TileKey, stored: [UInt8], computed: [UInt8]) -> UInt64 {
        var position = 0
        while position * 32 < computed.count, (position + 1) * 32 <= stored.count,
              stored[(position * 32)..<((position + 1) * 32)]
                .elementsEqual(computed[(position * 32)..<((position + 1) * 32)]) {
            position += 1
        }
        let leavesPerHash = UInt64(1) << (8 * UInt64(key.level))
        return (key.index * UInt64(TileLayout.width) + UInt64(position)) * leavesPerHash
    }
}

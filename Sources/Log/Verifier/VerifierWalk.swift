import LedgerCrypto

/// The sequential half of `LogVerifier`: consumes chunks in log order and checks what depends on the entries
/// before — index, the `prev` chain, non-decreasing time, the caller's `visit` — then recomputes the chunk's tiles
/// and compares them with the stored ones. Holds the tree's right edge only: O(log n) memory.
struct VerifierWalk {
    let store: any LogStore
    let hasher: MerkleHasher
    var edge = TreeEdge()
    var prev = Hash256.zero
    var lastTime = Timestamp(millisecondsSinceEpoch: Int64.min)
    /// Entries verified so far.
    var verified: UInt64 = 0

    init(store: any LogStore, hasher: MerkleHasher) {
        self.store = store
        self.hasher = hasher
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
            verified = i + 1
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

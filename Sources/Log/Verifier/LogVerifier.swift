import LedgerCrypto
public import SignedNote

/// Re-verifies a whole stored log with nothing but the store and the log's checkpoint key (DESIGN.md §1, §7):
/// the checkpoint signature, every entry's envelope and `index`, the `prev` chain, non-decreasing `time`, every
/// stored hash tile (recomputed from the entries), and the root against the checkpoint.
///
/// Streams the log a tile (256 entries) at a time: memory stays constant whatever the log's size. The first
/// problem ends the run with its index and reason; a failed check is a result, not a thrown error — errors are
/// kept for "could not answer" (the store is unreadable).
public struct LogVerifier: Sendable {
    public let store: any LogStore
    public let identity: LogIdentity
    /// Entries read per store call.
    public var chunk: Int = TileLayout.width

    public init(store: any LogStore, identity: LogIdentity) {
        self.store = store
        self.identity = identity
    }

    /// What a run found.
    public struct Report: Sendable, CustomStringConvertible {
        /// Entries verified (the tree size when `failure` is nil).
        public let verifiedEntries: UInt64
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
        func fail(_ index: UInt64?, _ why: String, done: UInt64) -> Report {
            Report(verifiedEntries: done, checkpoint: signed, failure: (index, why))
        }
        guard signed.checkpoint.size == head.size else {
            return fail(nil, "the stored size is \(head.size), the checkpoint's \(signed.checkpoint.size)", done: 0)
        }

        let hasher = MerkleHasher(identity.hashAlgorithm)
        let writer = TileWriter(hasher: hasher)
        var edge = TreeEdge()
        var prev = Hash256.zero
        var lastTime = Timestamp(millisecondsSinceEpoch: Int64.min)
        var index: UInt64 = 0
        while index < head.size {
            let end = min(head.size, index + UInt64(chunk))
            let entries: [[UInt8]]
            do {
                entries = try await store.entries(index..<end)
            } catch {
                return fail(index, "entries \(index)..<\(end) cannot be read: \(error)", done: index)
            }
            guard entries.count == Int(end - index) else {
                return fail(index + UInt64(entries.count), "entry missing below size \(head.size)", done: index)
            }
            var leaves: [Hash256] = []
            leaves.reserveCapacity(entries.count)
            for (offset, bytes) in entries.enumerated() {
                let i = index + UInt64(offset)
                let entry: LogEntry
                do { entry = try LogEntry(bytes: bytes) } catch {
                    return fail(i, "the entry does not decode: \(error)", done: i)
                }
                guard entry.index == i else { return fail(i, "the entry says it is index \(entry.index)", done: i) }
                guard entry.prev == prev else {
                    return fail(i, "prev is \(entry.prev.base64) but entry \(i == 0 ? "-" : String(i - 1)) hashes to "
                        + "\(prev.base64): the chain is broken", done: i)
                }
                guard entry.time >= lastTime else {
                    return fail(i, "time \(entry.time) is earlier than the previous entry's \(lastTime)", done: i)
                }
                do { try visit(entry) } catch { return fail(i, "\(error)", done: i) }
                prev = hasher.leafHash(bytes)
                lastTime = entry.time
                leaves.append(prev)
            }
            let update: TileUpdate
            do { update = try writer.append(leaves, to: edge) } catch {
                return fail(index, "tiles cannot be computed: \(error)", done: index)
            }
            for (key, computed) in update.tiles.sorted(by: { $0.key < $1.key }) {
                let stored: [UInt8]?
                do { stored = try await store.tile(key) } catch {
                    return fail(index, "\(key) cannot be read: \(error)", done: index)
                }
                guard let stored, stored.count >= computed.count,
                      stored.prefix(computed.count).elementsEqual(computed) else {
                    let firstBad = Self.firstDifferingLeaf(key: key, stored: stored ?? [], computed: computed)
                    return fail(firstBad, "stored \(key) differs from the one recomputed from the entries", done: index)
                }
            }
            edge = update.edge
            index = end
            progress(index, head.size)
        }
        let root = edge.rootHash(using: hasher)
        guard root == signed.checkpoint.rootHash else {
            return fail(nil, "the entries give root \(root.base64) at size \(head.size), the checkpoint says "
                + "\(signed.checkpoint.rootHash.base64)", done: head.size)
        }
        return Report(verifiedEntries: head.size, checkpoint: signed, failure: nil)
    }

    /// The first leaf index covered by the first differing hash of a tile (for the report).
    static func firstDifferingLeaf(key: TileKey, stored: [UInt8], computed: [UInt8]) -> UInt64 {
        var position = 0
        while position * 32 < computed.count,
              (position + 1) * 32 <= stored.count,
              stored[(position * 32)..<((position + 1) * 32)].elementsEqual(computed[(position * 32)..<((position + 1) * 32)]) {
            position += 1
        }
        let leavesPerHash = UInt64(1) << (8 * UInt64(key.level))
        return (key.index * UInt64(TileLayout.width) + UInt64(position)) * leavesPerHash
    }
}

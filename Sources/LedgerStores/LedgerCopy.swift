import LedgerCrypto
public import Log
import SignedNote

/// Copies a ledger's log into an empty store batch by batch — every entry, every hash tile and every checkpoint —
/// checking each batch before it is written.
///
/// Each source checkpoint ends one batch of the copy, so the target holds exactly the source's checkpoints (one per
/// batch, as the sequencer wrote them) and its tiles grow exactly as the source's did. Before a batch is appended:
/// the entries are leaf-hashed and the tiles they make (`TileWriter`) must equal the source's stored tiles (a
/// partial tile is the prefix of the source's final one: complete subtrees never change), the checkpoint must be
/// signed by the ledger's key for exactly that size, and its root must be the root of the entries copied so far.
/// A changed entry therefore stops the copy at its own index, before the batch holding it reaches the target.
///
/// Memory: one read-ahead window of entries, the source tiles on the tree's right edge (one per level), and the
/// sizes of the checkpoints copied (8 bytes each, for the consistency checks afterwards).
public struct LedgerCopy {
    let source: any LogStore
    let target: any LogStore
    /// The ledger's identity; checkpoints must verify with its key.
    let identity: LogIdentity
    /// The source's head when the copy began: the copy ends exactly there.
    let head: LogHead
    /// Entries read from the source per query (a batch larger than this is read in one query of its own).
    public var readAhead = 4_096
    /// Checkpoints listed per query.
    public var listPage = 1_024

    /// What was copied.
    public struct Result: Sendable {
        /// The sizes of every checkpoint written, ascending (the last is the head's).
        public let checkpointSizes: [UInt64]
        /// Entries appended.
        public let entries: UInt64
        /// Tile writes (a growing partial tile counts each time it is rewritten, as in the source's history).
        public let tileWrites: Int
    }

    /// A copy of `source` (the ledger `identity`, up to `head`) into the empty `target`.
    public init(source: any LogStore, target: any LogStore, identity: LogIdentity, head: LogHead) {
        self.source = source
        self.target = target
        self.identity = identity
        self.head = head
    }

    /// Copies everything up to `head`; `progress` gets (entries copied, total, batches copied) after each batch.
    /// An entry, tile or checkpoint of the source that fails a check throws `IntegrityFailure` naming the first
    /// index concerned; store errors are thrown as they come.
    public func run(progress: (UInt64, UInt64, Int) -> Void = { _, _, _ in }) async throws -> Result {
        let hasher = MerkleHasher(identity.hashAlgorithm)
        let writer = TileWriter(hasher: hasher)
        var edge = TreeEdge()
        var sizes: [UInt64] = []
        var tileWrites = 0
        var window = EntryWindow(source: source, end: head.size, readAhead: readAhead)
        var sourceTiles = SourceTiles(source: source, treeSize: head.size)
        var from: UInt64 = 0
        listing: while true {
            let page = try await source.checkpoints(from: from, limit: listPage)
            guard !page.isEmpty else { break }
            for stored in page {
                guard stored.size <= head.size else { break listing }   // appended after the copy began
                guard stored.size >= edge.size, sizes.last != stored.size else {
                    throw IntegrityFailure(index: nil, reason: "the source lists the checkpoint of size "
                        + "\(stored.size) after the one of size \(edge.size)")
                }
                let entries = try await window.take(edge.size..<stored.size)
                let update: TileUpdate
                do {
                    update = try writer.append(entries.map { hasher.leafHash($0) }, to: edge)
                } catch {
                    throw IntegrityFailure(index: edge.size,
                                           reason: "the entries cannot be added to the tree: \(error)")
                }
                // Tiles first: a level-0 tile names the exact entry that changed, a wrong root only the batch.
                for (key, tile) in update.tiles.sorted(by: { $0.key < $1.key }) {
                    try await sourceTiles.check(key, computed: tile)
                }
                try checkCheckpoint(stored, root: update.rootHash)
                try await target.append(LogBatch(firstIndex: edge.size, entries: entries, tiles: update.tiles,
                                                 checkpoint: stored.checkpoint))
                tileWrites += update.tiles.count
                sourceTiles.forget(fullAt: update.size)
                edge = update.edge
                sizes.append(stored.size)
                progress(edge.size, head.size, sizes.count)
                if stored.size == head.size { break listing }
            }
            guard let last = page.last, last.size < UInt64.max else { break }
            from = last.size + 1
        }
        guard sizes.last == head.size else {
            throw IntegrityFailure(index: nil, reason: "the source lists no checkpoint for its own head size "
                + "\(head.size) (the last one found is for size \(sizes.last.map(String.init) ?? "none"))")
        }
        return Result(checkpointSizes: sizes, entries: edge.size, tileWrites: tileWrites)
    }

    /// The stored checkpoint must be the ledger's, for exactly this size, over exactly the entries copied.
    private func checkCheckpoint(_ stored: LogHead, root: Hash256) throws {
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(opening: stored.checkpoint, logVerifier: identity.verifier)
        } catch {
            throw IntegrityFailure(index: nil, reason: "the source's checkpoint for size \(stored.size) does not "
                + "verify with \(identity.verifier.name): \(error)")
        }
        guard signed.checkpoint.size == stored.size else {
            throw IntegrityFailure(index: nil, reason: "the source stores the checkpoint of size "
                + "\(signed.checkpoint.size) under size \(stored.size)")
        }
        guard signed.checkpoint.rootHash == root else {
            throw IntegrityFailure(index: stored.size == 0 ? nil : stored.size - 1, reason: "the source's "
                + "checkpoint for size \(stored.size) has root \(signed.checkpoint.rootHash.base64), but its first "
                + "\(stored.size) entries hash to \(root.base64)")
        }
    }
}

/// The source's entries, read ahead in windows so that a log of one-entry batches is not one query per entry.
private struct EntryWindow {
    let source: any LogStore
    let end: UInt64
    let readAhead: Int
    /// `buffer[position]` is entry `next`; everything before `position` was handed out already.
    private var next: UInt64 = 0
    private var buffer: [[UInt8]] = []
    private var position = 0

    init(source: any LogStore, end: UInt64, readAhead: Int) {
        self.source = source
        self.end = end
        self.readAhead = max(1, readAhead)
    }

    /// The entries of `range`, which must start where the previous call ended.
    mutating func take(_ range: Range<UInt64>) async throws -> [[UInt8]] {
        precondition(range.lowerBound == next, "entries are taken in order")
        guard !range.isEmpty else { return [] }
        if range.count > buffer.count - position {
            let kept = Array(buffer[position...])
            let readFrom = next + UInt64(kept.count)
            let readEnd = min(end, max(range.upperBound, next + UInt64(readAhead)))
            buffer = kept + (try await source.entries(readFrom..<readEnd))
            position = 0
        }
        let taken = Array(buffer[position..<(position + range.count)])
        position += range.count
        next = range.upperBound
        return taken
    }
}

/// The source's stored hash tiles, fetched once each and compared with what the copied entries make.
private struct SourceTiles {
    let source: any LogStore
    /// The source's size: its stored tiles have their widths at this size.
    let treeSize: UInt64
    private var cache: [TileKey: [UInt8]] = [:]

    init(source: any LogStore, treeSize: UInt64) {
        self.source = source
        self.treeSize = treeSize
    }

    /// `computed` (the tile at some size up to `treeSize`) must be a prefix of the stored tile, which must have
    /// exactly its width at `treeSize`.
    mutating func check(_ key: TileKey, computed: [UInt8]) async throws {
        let stored: [UInt8]
        if let cached = cache[key] {
            stored = cached
        } else {
            let width = TileLayout.width(of: key, treeSize: treeSize)
            guard let fetched = try await source.tile(key) else {
                throw IntegrityFailure(index: firstLeaf(key, position: 0),
                                       reason: "the source has no \(key) (\(width) hashes at size \(treeSize))")
            }
            guard fetched.count == width * TileLayout.hashSize else {
                throw IntegrityFailure(index: firstLeaf(key, position: 0), reason: "the source's \(key) is "
                    + "\(fetched.count) bytes; at size \(treeSize) it holds \(width) hashes (\(width * 32) bytes)")
            }
            cache[key] = fetched
            stored = fetched
        }
        guard stored.starts(with: computed) else {
            let position = (0..<(computed.count / TileLayout.hashSize)).first { p in
                let range = (p * TileLayout.hashSize)..<((p + 1) * TileLayout.hashSize)
                return stored[range] != computed[range]
            } ?? 0
            let index = firstLeaf(key, position: position)
            let what = key.level == 0 ? "entry \(index) does not hash to" : "the entries from \(index) do not hash to"
            throw IntegrityFailure(index: index, reason: "\(what) hash \(position) of the source's \(key): the "
                + "entry or the tile was changed")
        }
    }

    /// Full tiles are never touched again: keep only the right edge.
    mutating func forget(fullAt size: UInt64) {
        cache = cache.filter { TileLayout.width(of: $0.key, treeSize: size) < TileLayout.width }
    }

    /// The first leaf under hash `position` of tile `key` (each hash of tile level L covers 256^L leaves).
    private func firstLeaf(_ key: TileKey, position: Int) -> UInt64 {
        let node = key.index * UInt64(TileLayout.width) + UInt64(position)
        let shift = UInt64(TileLayout.height) * UInt64(key.level)
        return shift >= 64 ? UInt64.max : node << shift
    }
}

public import LedgerCrypto

/// Grows a tiled tree by a batch of leaf hashes: produces every hash tile the batch creates or grows and the new
/// root, from the tree's right edge alone (C2SP tlog-tiles, RFC 9162 §2.1.1).
///
/// Memory is O(batch + log n): the batch's leaf hashes, the tiles it writes, and at most one partial tile per
/// level — never the tree. Level-0 tiles take the leaf hashes; whenever a tile fills up, the root of its 256
/// hashes (8 levels of complete subtrees) moves up into the tile one level higher.
///
/// Not `Sendable` (it holds a `MerkleHasher`): one per sequencer task.
public struct TileWriter {
    /// The hasher of the log's hash suite.
    public let hasher: MerkleHasher

    /// A writer hashing with the log's hasher (its suite decides every tile hash).
    public init(hasher: MerkleHasher) {
        self.hasher = hasher
    }

    /// Appends `leafHashes` to the tree whose right edge is `edge`.
    ///
    /// - Returns: the whole new contents of each tile created or grown (exactly the keys of
    ///   `TileLayout.changedTiles(from:to:)`), the new edge and the new root. An empty batch changes nothing.
    /// - Throws: `MerkleError.sizeOutOfRange` if the tree would exceed `UInt64.max` leaves.
    public func append(_ leafHashes: [Hash256], to edge: TreeEdge) throws(MerkleError) -> TileUpdate {
        let (newSize, overflow) = edge.size.addingReportingOverflow(UInt64(leafHashes.count))
        guard !overflow else {
            throw MerkleError(.sizeOutOfRange, field: "leafHashes",
                              "\(leafHashes.count) leaves overflow the tree size \(edge.size)")
        }
        let fullBytes = TileLayout.width * TileLayout.hashSize
        var written: [TileKey: [UInt8]] = [:]
        var edgeTiles: [TileKey: [UInt8]] = [:]
        var incoming = leafHashes
        var level = 0
        while TileLayout.hashCount(level: level, treeSize: newSize) > 0 {
            let before = TileLayout.hashCount(level: level, treeSize: edge.size)
            var key = TileKey(level: UInt8(level), index: before >> 8)
            var tile = edge.tiles[key] ?? []
            guard !incoming.isEmpty else {
                // Nothing reaches this level: its partial tile, if any, stays as it was.
                if !tile.isEmpty { edgeTiles[key] = tile }
                level += 1
                continue
            }
            tile.reserveCapacity(fullBytes)
            var completed: [Hash256] = []
            for hash in incoming {
                hash.append(to: &tile)
                if tile.count == fullBytes {
                    written[key] = tile
                    completed.append(tileRoot(tile))
                    key = TileKey(level: UInt8(level), index: key.index + 1)
                    tile = []
                    tile.reserveCapacity(fullBytes)
                }
            }
            if !tile.isEmpty {
                written[key] = tile
                edgeTiles[key] = tile
            }
            incoming = completed
            level += 1
        }
        let newEdge = TreeEdge(validSize: newSize, tiles: edgeTiles)
        return TileUpdate(tiles: written, edge: newEdge, rootHash: newEdge.rootHash(using: hasher))
    }

    /// The root of the complete subtree of 256 hashes that a full tile holds.
    private func tileRoot(_ tile: [UInt8]) -> Hash256 {
        hasher.perfectSubtreeHash((0..<TileLayout.width).map { Hash256(tile: tile, position: $0) })
    }
}

/// What one batch does to a tiled tree.
public struct TileUpdate: Sendable, Equatable {
    /// Every hash tile created or grown, with its whole new contents (`32 × width` bytes): what the store writes
    /// in the batch's transaction (`LogBatch.tiles`).
    public let tiles: [TileKey: [UInt8]]
    /// The right edge after the batch: the sequencer's state for the next batch, once this one is committed.
    public let edge: TreeEdge
    /// The Merkle Tree Hash of the grown tree, for its checkpoint.
    public let rootHash: Hash256

    /// The tree size after the batch.
    public var size: UInt64 { edge.size }
}

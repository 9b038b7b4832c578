public import LedgerCrypto

/// The right edge of a tiled tree: its size and its partial tiles (C2SP tlog-tiles), at most one per tile level.
///
/// This is all the state needed to append to the tree and to compute its root: every other tile is full and
/// will never change. A sequencer loads it once at start (`load(size:from:)`), checks its root against the last
/// checkpoint, then carries the `TileUpdate.edge` of each committed batch to the next.
public struct TreeEdge: Sendable, Equatable {
    /// Number of leaves in the tree.
    public let size: UInt64
    /// The partial tiles of `TileLayout.partialTiles(treeSize: size)`, each exactly `32 × width` bytes.
    public let tiles: [TileKey: [UInt8]]

    /// The edge of the empty tree.
    public init() {
        size = 0
        tiles = [:]
    }

    /// An edge from stored tiles. Tiles wider than `size` needs are cut to the needed prefix (a store may already
    /// hold a later, wider version); keys that are not partial tiles of `size` are ignored.
    ///
    /// - Throws: `MerkleError.missingTile` for an absent partial tile, `.malformedTile` for one whose length is
    ///   not a multiple of 32, above 256 hashes, or narrower than `size` requires.
    public init(size: UInt64, tiles: [TileKey: [UInt8]]) throws(MerkleError) {
        var kept: [TileKey: [UInt8]] = [:]
        for path in TileLayout.partialTiles(treeSize: size) {
            guard let tile = tiles[path.key] else {
                throw MerkleError(.missingTile, field: "\(path.key)",
                                  "partial \(path.key) of width \(path.width) for tree size \(size) is missing")
            }
            try TreeEdge.check(tile, key: path.key, width: path.width, size: size)
            kept[path.key] = Array(tile.prefix(path.width * TileLayout.hashSize))
        }
        self.init(validSize: size, tiles: kept)
    }

    init(validSize size: UInt64, tiles: [TileKey: [UInt8]]) {
        self.size = size
        self.tiles = tiles
    }

    /// Reads the partial tiles of a tree of `size` leaves from `source` (at most 8 reads).
    ///
    /// - Throws: what `source` throws, and the errors of `init(size:tiles:)`.
    public static func load(size: UInt64, from source: any TileSource) async throws -> TreeEdge {
        var tiles: [TileKey: [UInt8]] = [:]
        for path in TileLayout.partialTiles(treeSize: size) {
            tiles[path.key] = try await source.tile(path.key)
        }
        return try TreeEdge(size: size, tiles: tiles)
    }

    /// Checks that a stored tile can supply `width` hashes.
    static func check(_ tile: [UInt8], key: TileKey, width: Int, size: UInt64) throws(MerkleError) {
        let bytes = tile.count
        guard bytes % TileLayout.hashSize == 0, bytes <= TileLayout.width * TileLayout.hashSize,
              bytes >= width * TileLayout.hashSize else {
            throw MerkleError(.malformedTile, field: "\(key)", "\(key) has \(bytes) bytes; tree size \(size) "
                + "needs a multiple of 32 of at least \(width * TileLayout.hashSize) and at most 8192")
        }
    }

    /// The tree's complete subtrees (largest first), hashed up inside the partial tiles: bit `r` of a level-`L`
    /// tile's width is a subtree at tree level `8·L + r`.
    public func frontier(using hasher: MerkleHasher) -> MerkleFrontier {
        var hashes: [Hash256] = []
        for path in TileLayout.partialTiles(treeSize: size).reversed() {
            guard let tile = tiles[path.key] else { continue }  // present by construction
            var start = 0
            for bit in stride(from: TileLayout.height - 1, through: 0, by: -1) where path.width >> bit & 1 == 1 {
                let bottom = (start..<(start + 1 << bit)).map { Hash256(tile: tile, position: $0) }
                hashes.append(hasher.perfectSubtreeHash(bottom))
                start += 1 << bit
            }
        }
        return MerkleFrontier(uncheckedSize: size, hashes: hashes)
    }

    /// The root hash of the tree (RFC 9162 §2.1.1), from the edge alone.
    public func rootHash(using hasher: MerkleHasher) -> Hash256 {
        frontier(using: hasher).rootHash(using: hasher)
    }
}

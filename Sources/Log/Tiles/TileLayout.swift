/// The arithmetic of C2SP tlog-tiles: which tiles a tree has, how wide they are, and where a node's hash lives.
///
/// A tile has height 8 and width up to 256. The tile at level `L`, index `N` holds the hashes of tree level
/// `8·L` at positions `[256·N, 256·N + width)`; at `L ≥ 1` each is the root of a full tile one level down, i.e. of
/// a complete subtree of `256^L` leaves. A tile is partial (width 1…255) only at the right edge of the tree, and
/// grows in place as the tree does: its prefix never changes, because complete subtrees never do.
public enum TileLayout {
    /// Tree levels per tile (C2SP tlog-tiles: height 8).
    public static let height = 8
    /// Hashes in a full tile.
    public static let width = 256
    /// Bytes per hash in a tile.
    public static let hashSize = 32

    /// How many hashes of tree level `8·level` a tree of `treeSize` leaves has: its complete subtrees there.
    static func hashCount(level: Int, treeSize: UInt64) -> UInt64 {
        treeSize >> UInt64(height * level)
    }

    /// The width of hash tile `key` in a tree of `treeSize` leaves: 256 when full, 1…255 when partial, 0 when the
    /// tree does not have that tile (yet).
    public static func width(of key: TileKey, treeSize: UInt64) -> Int {
        let count = hashCount(level: Int(key.level), treeSize: treeSize)
        let full = count >> 8
        if key.index < full { return width }
        return key.index == full ? Int(count & 255) : 0
    }

    /// The width of entry bundle `index` (C2SP tlog-tiles `tile/entries/<N>`): the same as level-0 tile `index`.
    public static func entryBundleWidth(index: UInt64, treeSize: UInt64) -> Int {
        width(of: TileKey(level: 0, index: index), treeSize: treeSize)
    }

    /// Every hash tile of a tree of `treeSize` leaves, level by level and left to right (about `treeSize / 255`
    /// of them: for audits and tests, not for hot paths).
    public static func tiles(treeSize: UInt64) -> [TilePath] {
        var paths: [TilePath] = []
        var level = 0
        while hashCount(level: level, treeSize: treeSize) > 0 {
            let count = hashCount(level: level, treeSize: treeSize)
            for index in 0...((count - 1) >> 8) {
                let key = TileKey(level: UInt8(level), index: index)
                paths.append(TilePath(validLevel: key.level, index: index, width: width(of: key, treeSize: treeSize)))
            }
            level += 1
        }
        return paths
    }

    /// The partial tiles of a tree of `treeSize` leaves — at most one per level, on the right edge — lowest level
    /// first. With the size, they are all the state needed to append to the tree (`TreeEdge`).
    public static func partialTiles(treeSize: UInt64) -> [TilePath] {
        var paths: [TilePath] = []
        var level = 0
        while hashCount(level: level, treeSize: treeSize) > 0 {
            let count = hashCount(level: level, treeSize: treeSize)
            if count & 255 != 0 {
                paths.append(TilePath(validLevel: UInt8(level), index: count >> 8, width: Int(count & 255)))
            }
            level += 1
        }
        return paths
    }

    /// The tiles created or grown when a tree grows from `oldSize` to `newSize` leaves, with their new widths,
    /// lowest level first. Tiles are append-only, so exactly these must be (re)written.
    public static func changedTiles(from oldSize: UInt64, to newSize: UInt64) -> [TilePath] {
        guard oldSize < newSize else { return [] }
        var paths: [TilePath] = []
        var level = 0
        while hashCount(level: level, treeSize: newSize) > hashCount(level: level, treeSize: oldSize) {
            let before = hashCount(level: level, treeSize: oldSize)
            let after = hashCount(level: level, treeSize: newSize)
            for index in (before >> 8)...((after - 1) >> 8) {
                let key = TileKey(level: UInt8(level), index: index)
                paths.append(TilePath(validLevel: key.level, index: index, width: width(of: key, treeSize: newSize)))
            }
            level += 1
        }
        return paths
    }

    /// Where the hash of complete node `node` comes from: the tile at level `node.level / 8`, whose hashes at
    /// positions `first ..< first + count` are the bottom of `node`'s subtree (`count = 2^(node.level mod 8)`;
    /// a single hash when the node's level is a multiple of 8).
    public static func location(of node: NodeID) -> TileLocation {
        let relative = Int(node.level) % height
        let base = node.index << UInt64(relative)
        return TileLocation(key: TileKey(level: node.level / UInt8(height), index: base >> 8),
                            first: Int(base & 255), count: 1 << relative)
    }
}

/// The stretch of one tile that holds, or hashes up to, one node (see `TileLayout.location(of:)`).
public struct TileLocation: Hashable, Sendable {
    /// The tile.
    public let key: TileKey
    /// The first position used.
    public let first: Int
    /// How many hashes are used: a power of two, at most 128.
    public let count: Int

    /// The width the tile must have at least to supply the node.
    public var requiredWidth: Int { first + count }
}

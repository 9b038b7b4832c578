public import LedgerCrypto

/// Reads a log without loading its tree (DESIGN.md §5–6): entries, C2SP hash tiles and entry bundles, and
/// inclusion and consistency proofs for any size up to the current one, all computed from stored tiles. Memory per
/// call is a few tiles, whatever the log's size.
///
/// Sendable and stateless: each call makes its own `MerkleHasher` (digest contexts are not shared).
public struct LogReader: Sendable {
    public let store: any LogStore
    public let hashAlgorithm: HashAlgorithm
    /// Full tiles shared by the readers of one log (a daemon's), or nil to read every tile from the store.
    public let tileCache: TileCache?

    public init(store: any LogStore, hashAlgorithm: HashAlgorithm, tileCache: TileCache? = nil) {
        self.store = store
        self.hashAlgorithm = hashAlgorithm
        self.tileCache = tileCache
    }

    /// The entry at `index` of a tree of `treeSize` entries.
    public func entry(at index: UInt64, treeSize: UInt64) async throws -> LogEntry {
        guard index < treeSize else {
            throw LogError(.outOfRange, field: "index", "index \(index) out of range for tree size \(treeSize)")
        }
        guard let bytes = try await store.entries(index..<(index + 1)).first else {
            throw LogError(.inconsistent, "entry \(index) is missing below tree size \(treeSize)")
        }
        return try LogEntry(bytes: bytes)
    }

    /// The leaf hash of entry `index` as the tiles hold it.
    public func leafHash(at index: UInt64, treeSize: UInt64) async throws -> Hash256 {
        guard index < treeSize else {
            throw LogError(.outOfRange, field: "index", "index \(index) out of range for tree size \(treeSize)")
        }
        return try await tileReader(treeSize).leafHash(index: index)
    }

    /// RFC 9162 inclusion proof of entry `index` in the tree of `size` entries (`size` ≤ `treeSize`).
    public func inclusionProof(index: UInt64, size: UInt64, treeSize: UInt64) async throws -> [Hash256] {
        guard size <= treeSize else {
            throw LogError(.outOfRange, field: "size", "size \(size) is beyond the tree size \(treeSize)")
        }
        guard index < size else {
            throw LogError(.outOfRange, field: "index", "index \(index) out of range for tree size \(size)")
        }
        return try await tileReader(treeSize).inclusionProof(index: index, size: size)
    }

    /// RFC 9162 consistency proof from `size1` to `size2` (0 < size1 ≤ size2 ≤ `treeSize`).
    public func consistencyProof(size1: UInt64, size2: UInt64, treeSize: UInt64) async throws -> [Hash256] {
        guard size2 <= treeSize else {
            throw LogError(.outOfRange, field: "to", "size \(size2) is beyond the tree size \(treeSize)")
        }
        guard size1 <= size2 else {
            throw LogError(.outOfRange, field: "from", "size \(size1) is larger than size \(size2)")
        }
        return try await tileReader(treeSize).consistencyProof(size1: size1, size2: size2)
    }

    /// The root hash of the tree at any `size` ≤ `treeSize`.
    public func rootHash(size: UInt64, treeSize: UInt64) async throws -> Hash256 {
        guard size <= treeSize else {
            throw LogError(.outOfRange, field: "size", "size \(size) is beyond the tree size \(treeSize)")
        }
        return try await tileReader(treeSize).rootHash(size: size)
    }

    /// The bytes of hash tile `path` (level ≥ 0) as C2SP tlog-tiles serves it: exactly `32 × width` bytes, only if
    /// the tree of `treeSize` entries has that tile at that width (a full tile, or the current partial one, or a
    /// narrower prefix of either — prefixes never change).
    public func hashTile(_ path: TilePath, treeSize: UInt64) async throws -> [UInt8] {
        precondition(!path.isEntries, "entry bundles are read with entryBundle(_:treeSize:)")
        try requireWithinTree(path, treeSize: treeSize)
        let key = TileKey(level: path.level, index: path.index)
        guard let tile = try await store.tile(key), tile.count >= path.width * 32 else {
            throw LogError(.inconsistent, "\(key) is missing or narrower than \(path.width) below tree size \(treeSize)")
        }
        return Array(tile.prefix(path.width * 32))
    }

    /// The entry bundle `path` (`tile/entries/N[.p/W]`): the `width` entries from `N·256`, length-prefixed.
    public func entryBundle(_ path: TilePath, treeSize: UInt64) async throws -> [UInt8] {
        precondition(path.isEntries, "hash tiles are read with hashTile(_:treeSize:)")
        try requireWithinTree(path, treeSize: treeSize)
        let first = path.index * UInt64(TileLayout.width)
        let entries = try await store.entries(first..<(first + UInt64(path.width)))
        return try EntryBundle.encode(entries)
    }

    /// A tile exists at `width` if the tree has at least that many hashes at its level inside that tile.
    private func requireWithinTree(_ path: TilePath, treeSize: UInt64) throws {
        let available = path.isEntries
            ? TileLayout.entryBundleWidth(index: path.index, treeSize: treeSize)
            : TileLayout.width(of: TileKey(level: path.level, index: path.index), treeSize: treeSize)
        guard path.width <= available else {
            throw LogError(.outOfRange, field: "tile",
                           "\(path) is not in the tree of size \(treeSize) (it has \(available) hashes there)")
        }
    }

    private func tileReader(_ treeSize: UInt64) -> TileHashReader {
        let source: any TileSource = tileCache.map { CachingTileSource(LogStoreTileSource(store), cache: $0) }
            ?? LogStoreTileSource(store)
        return TileHashReader(source: source, treeSize: treeSize, hasher: MerkleHasher(hashAlgorithm))
    }
}

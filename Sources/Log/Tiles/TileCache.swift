/// A bounded, thread-safe cache of full hash tiles (256 hashes) shared by every reader of one log. A full tile
/// never changes once written (C2SP tlog-tiles: only the partial right edge grows), so a cached full tile is never
/// stale; partial tiles are not cached. Eviction is least-recently-inserted (FIFO): cheap, and the hot tiles of a
/// growing log — the right edge's ancestors — are re-inserted as the tree grows.
public final class TileCache: Sendable {
    private let tiles: BoundedCache<TileKey, [UInt8]>

    /// Most tiles held (8 KiB each for SHA-256).
    public var capacity: Int { tiles.capacity }

    /// A cache of at most `capacity` full tiles (default 4,096: 32 MiB).
    public init(capacity: Int = 4_096) {
        tiles = BoundedCache(capacity: capacity)
    }

    /// The cached full tile at `key`.
    public func tile(_ key: TileKey) -> [UInt8]? { tiles[key] }

    /// Remembers `tile` if it is full.
    public func insert(_ tile: [UInt8], at key: TileKey) {
        guard tile.count == TileLayout.width * TileLayout.hashSize else { return }
        tiles.insert(tile, for: key)
    }

    /// How many tiles are held.
    public var count: Int { tiles.count }
}

/// A tile source that answers full tiles from a `TileCache` and fills it from `base`.
public struct CachingTileSource: TileSource, Sendable {
    public let base: LogStoreTileSource
    public let cache: TileCache

    public init(_ base: LogStoreTileSource, cache: TileCache) {
        self.base = base
        self.cache = cache
    }

    public func tile(_ key: TileKey) async throws -> [UInt8]? {
        if let cached = cache.tile(key) { return cached }
        let tile = try await base.tile(key)
        if let tile { cache.insert(tile, at: key) }
        return tile
    }
}

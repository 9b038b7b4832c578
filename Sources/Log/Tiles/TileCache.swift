import Synchronization

/// A bounded, thread-safe cache of full hash tiles (256 hashes) shared by every reader of one log. A full tile
/// never changes once written (C2SP tlog-tiles: only the partial right edge grows), so a cached full tile is never
/// stale; partial tiles are not cached. Eviction is least-recently-inserted (FIFO): cheap, and the hot tiles of a
/// growing log — the right edge's ancestors — are re-inserted as the tree grows.
public final class TileCache: Sendable {
    private struct State: ~Copyable {
        var tiles: [TileKey: [UInt8]] = [:]
        var order: [TileKey] = []
        var start = 0
    }

    /// Most tiles held (8 KiB each for SHA-256).
    public let capacity: Int
    private let state = Mutex(State())

    /// A cache of at most `capacity` full tiles (default 4,096: 32 MiB).
    public init(capacity: Int = 4_096) {
        self.capacity = max(1, capacity)
    }

    /// The cached full tile at `key`.
    public func tile(_ key: TileKey) -> [UInt8]? {
        state.withLock { $0.tiles[key] }
    }

    /// Remembers `tile` if it is full.
    public func insert(_ tile: [UInt8], at key: TileKey) {
        guard tile.count == TileLayout.width * TileLayout.hashSize else { return }
        state.withLock { state in
            guard state.tiles.updateValue(tile, forKey: key) == nil else { return }
            state.order.append(key)
            while state.tiles.count > capacity {
                state.tiles[state.order[state.start]] = nil
                state.start += 1
            }
            if state.start > capacity {
                state.order.removeFirst(state.start)
                state.start = 0
            }
        }
    }

    /// How many tiles are held.
    public var count: Int { state.withLock { $0.tiles.count } }
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

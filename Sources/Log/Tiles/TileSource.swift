import LedgerCrypto

/// Where tile readers get hash tiles from: a `LogStore` (its `tile(_:)` has exactly this shape, so a store adopts
/// the protocol with an empty extension), tiles fetched over HTTP, or a dictionary.
///
/// A source returns the tile stored under `key` (`32 × width` bytes), which may be wider than an older tree size
/// needs — tiles only grow, and their prefixes never change — or nil if it has none.
public protocol TileSource {
    /// The stored tile at `key`, or nil.
    func tile(_ key: TileKey) async throws -> [UInt8]?
}

/// An in-memory tile set is a tile source (tests, clients that fetched tiles, the sequencer's fresh batch).
extension Dictionary: TileSource where Key == TileKey, Value == [UInt8] {
    /// The tile stored under `key`.
    public func tile(_ key: TileKey) async throws -> [UInt8]? { self[key] }
}

/// The tiles a batch has just produced, in front of the store that does not have them yet: lets the sequencer
/// compute its waiters' proofs from `TileUpdate.tiles` before (or without) reading its own writes back.
public struct TileOverlay: TileSource {
    /// Tiles that take precedence (each replaces the base's tile at its key).
    public let upper: [TileKey: [UInt8]]
    /// Everything else.
    public let base: any TileSource

    /// `upper`'s tiles in front of `base`.
    public init(_ upper: [TileKey: [UInt8]], over base: any TileSource) {
        self.upper = upper
        self.base = base
    }

    /// The upper tile at `key` if there is one, else the base's.
    public func tile(_ key: TileKey) async throws -> [UInt8]? {
        if let tile = upper[key] { return tile }
        return try await base.tile(key)
    }
}

/// Any `LogStore` as a tile source, for readers that hold the store as an existential.
public struct LogStoreTileSource: TileSource, Sendable {
    /// The store whose `tile(_:)` answers.
    public let store: any LogStore

    /// Reads `store`'s tiles.
    public init(_ store: any LogStore) {
        self.store = store
    }

    /// The store's tile at `key`.
    public func tile(_ key: TileKey) async throws -> [UInt8]? {
        try await store.tile(key)
    }
}

extension Hash256 {
    /// The hash at `position` of a tile's bytes (the caller has checked the tile is wide enough).
    init(tile: [UInt8], position: Int) {
        self.init()
        withUnsafeMutableBytes { destination in
            tile.withUnsafeBytes { source in
                let start = position * TileLayout.hashSize
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + 32)]))
            }
        }
    }

    /// Appends the 32 bytes to a tile under construction.
    func append(to tile: inout [UInt8]) {
        withUnsafeBytes { tile.append(contentsOf: $0) }
    }
}

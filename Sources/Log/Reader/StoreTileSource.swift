/// Presents any `LogStore` as the `TileSource` that the Merkle tile readers consume.
public struct StoreTileSource: TileSource {
    public let store: any LogStore

    public init(_ store: any LogStore) {
        self.store = store
    }

    public func tile(_ key: TileKey) async throws -> [UInt8]? {
        try await store.tile(key)
    }
}

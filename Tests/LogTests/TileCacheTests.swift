import LedgerCrypto
import Log
import LogStoreContract
import Testing

/// The daemon's shared cache of full tiles: it keeps only full tiles, bounds itself, and readers through it give
/// the same proofs as readers of the store alone.
@Suite struct TileCacheTests {
    static let full = [UInt8](repeating: 7, count: TileLayout.width * TileLayout.hashSize)

    @Test func partialTiles_areNeverCached_fullOnesAre() {
        let cache = TileCache(capacity: 8)
        cache.insert(Array(Self.full.prefix(32 * 3)), at: TileKey(level: 0, index: 1))
        #expect(cache.tile(TileKey(level: 0, index: 1)) == nil)
        cache.insert(Self.full, at: TileKey(level: 0, index: 0))
        #expect(cache.tile(TileKey(level: 0, index: 0)) == Self.full)
    }

    @Test func capacity_evictsTheOldestFirst() {
        let cache = TileCache(capacity: 3)
        for index in 0..<5 { cache.insert(Self.full, at: TileKey(level: 0, index: UInt64(index))) }
        #expect(cache.count == 3)
        #expect(cache.tile(TileKey(level: 0, index: 0)) == nil && cache.tile(TileKey(level: 0, index: 1)) == nil)
        #expect(cache.tile(TileKey(level: 0, index: 4)) != nil)
    }

    @Test func cachedReader_givesTheSameProofsAsTheStore_andFillsTheCache() async throws {
        let (log, _) = try await buildLog(600, store: MemoryLogStore())
        let store = log.store
        let size: UInt64 = 600
        let cache = TileCache()
        let plain = LogReader(store: store, hashAlgorithm: .sha256)
        let cached = LogReader(store: store, hashAlgorithm: .sha256, tileCache: cache)
        for index in [0, 255, 256, 511, 599] as [UInt64] {
            let expected = try await plain.inclusionProof(index: index, size: size, treeSize: size)
            #expect(try await cached.inclusionProof(index: index, size: size, treeSize: size) == expected)
            #expect(try await cached.inclusionProof(index: index, size: size, treeSize: size) == expected)
        }
        // Two full level-0 tiles; the third (88 hashes) is partial and stays out.
        #expect(cache.count == 2)
    }
}

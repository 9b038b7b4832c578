import Testing
import LedgerCrypto
@testable import Log

/// A tiled tree of 66,000 leaves (tile level 2 exists) built in three batches, with the stored tiles as they
/// were after each batch: at 300, at 65,537 and at 66,000 leaves.
struct TiledTestTree: Sendable {
    static let shared = TiledTestTree()

    let leaves: [Hash256]
    /// Tree size → the whole tile store right after the batch that ended there.
    let snapshots: [UInt64: [TileKey: [UInt8]]]
    /// The tiles written by the last batch, and the store before it.
    let lastUpdate: TileUpdate
    var size: UInt64 { UInt64(leaves.count) }
    var store: [TileKey: [UInt8]] { snapshots[size] ?? [:] }

    init() {
        let hasher = MerkleHasher()
        leaves = merkleTestLeaves(66_000, hasher)
        let writer = TileWriter(hasher: hasher)
        var store: [TileKey: [UInt8]] = [:]
        var snapshots: [UInt64: [TileKey: [UInt8]]] = [:]
        var edge = TreeEdge()
        var last: TileUpdate?
        for end in [300, 65_537, 66_000] {
            // Built by the writer, which TileWriterTests checks against tiles from scratch.
            guard let update = try? writer.append(Array(leaves[Int(edge.size)..<end]), to: edge) else {
                fatalError("fixture: the writer refused a valid batch")
            }
            store.merge(update.tiles) { $1 }
            snapshots[update.size] = store
            edge = update.edge
            last = update
        }
        self.snapshots = snapshots
        lastUpdate = last ?? TileUpdate(tiles: [:], edge: edge, rootHash: Hash256())
    }
}

@Suite struct TileHashReaderTests {
    let tree = TiledTestTree.shared
    let hasher = MerkleHasher()
    let reference = MerkleReference()

    /// Past sizes that straddle tile boundaries at every level, and random ones.
    static let pastSizes: [UInt64] = {
        var rng = MerkleTestRNG(seed: 11)
        return [1, 2, 3, 255, 256, 257, 300, 511, 513, 4_097, 65_535, 65_536, 65_537, 65_792, 66_000]
            + (0..<5).map { _ in UInt64.random(in: 1...66_000, using: &rng) }
    }()

    private func reader(_ store: [TileKey: [UInt8]]? = nil, size: UInt64? = nil) -> TileHashReader {
        TileHashReader(source: store ?? tree.store, treeSize: size ?? tree.size, hasher: hasher)
    }

    @Test func rootsOfPastSizes_equalNaiveRoots() async throws {
        let reader = reader()
        #expect(try await reader.rootHash(size: 0) == hasher.emptyRoot())
        for m in Self.pastSizes {
            #expect(try await reader.rootHash(size: m) == reference.mth(tree.leaves[0..<Int(m)]), "size \(m)")
        }
    }

    /// Inclusion proofs for past sizes read from tiles that have grown wider since, verified against the naive
    /// root of that size, and equal to the proof built from the leaves where that is cheap.
    @Test func inclusionProofsForPastSizes_verifyAgainstNaiveRoots() async throws {
        var rng = MerkleTestRNG(seed: 12)
        let reader = reader()
        for m in Self.pastSizes {
            let root = reference.mth(tree.leaves[0..<Int(m)])
            for index in [0, m - 1, m / 2] + (0..<8).map({ _ in UInt64.random(in: 0..<m, using: &rng) }) {
                let proof = try await reader.inclusionProof(index: index, size: m)
                #expect(try hasher.verifyInclusion(leafHash: tree.leaves[Int(index)], index: index, treeSize: m,
                                                   proof: proof, rootHash: root) == .valid, "index \(index) size \(m)")
                if m <= 4_097 {
                    #expect(try proof == hasher.inclusionProof(index: index, treeSize: m, leafHashes: tree.leaves))
                }
            }
        }
    }

    @Test func consistencyProofsBetweenPastSizes_verifyAgainstNaiveRoots() async throws {
        let reader = reader()
        let roots = Dictionary(uniqueKeysWithValues: Self.pastSizes.map {
            ($0, reference.mth(tree.leaves[0..<Int($0)]))
        })
        for m1 in Self.pastSizes {
            for m2 in Self.pastSizes where m1 <= m2 {
                let proof = try await reader.consistencyProof(size1: m1, size2: m2)
                let root1 = try #require(roots[m1]), root2 = try #require(roots[m2])
                #expect(try hasher.verifyConsistency(size1: m1, size2: m2, proof: proof, root1: root1,
                                                     root2: root2) == .valid, "sizes \(m1) → \(m2)")
                if m2 <= 4_097 {
                    #expect(try proof == hasher.consistencyProof(size1: m1, size2: m2, leafHashes: tree.leaves))
                }
            }
        }
    }

    /// A store exactly at its size (partial tiles as narrow as they get) answers the same as the grown store.
    @Test func readersOfEarlierSnapshots_agreeWithTheGrownStore() async throws {
        let grown = reader()
        for (size, store) in tree.snapshots {
            let old = reader(store, size: size)
            #expect(try await old.rootHash(size: size) == grown.rootHash(size: size))
            for index in [0, size / 3, size - 1] {
                #expect(try await old.inclusionProof(index: index, size: size)
                    == grown.inclusionProof(index: index, size: size))
            }
            #expect(try await old.consistencyProof(size1: 257, size2: size)
                == grown.consistencyProof(size1: 257, size2: size))
        }
    }

    @Test func nodeHashes_hashUpInsideTiles_andEqualTheSubtreeOfTheLeaves() async throws {
        let reader = reader()
        let nodes = [NodeID(level: 0, index: 65_999), NodeID(level: 3, index: 17), NodeID(level: 7, index: 1),
                     NodeID(level: 8, index: 256), NodeID(level: 9, index: 127), NodeID(level: 16, index: 0),
                     NodeID(level: 15, index: 1)]
        for node in nodes {
            #expect(try await reader.hash(of: node) == hasher.hash(of: node, leafHashes: tree.leaves), "\(node)")
        }
        #expect(try await reader.leafHash(index: 42) == tree.leaves[42])
    }

    /// The sequencer's view: the store before the last batch, overlaid with the batch's tiles.
    @Test func overlayOfABatchOnTheOldStore_readsLikeTheNewStore() async throws {
        let before = tree.snapshots[65_537] ?? [:]
        let overlay = TileOverlay(tree.lastUpdate.tiles, over: before)
        let reader = TileHashReader(source: overlay, treeSize: tree.size, hasher: hasher)
        #expect(try await reader.rootHash(size: tree.size) == tree.lastUpdate.rootHash)
        for index in [65_536, 65_999] as [UInt64] {
            #expect(try await reader.inclusionProof(index: index, size: tree.size)
                == self.reader().inclusionProof(index: index, size: tree.size))
        }
        // Without the overlay the old store lacks the batch's tiles.
        let stale = TileHashReader(source: before, treeSize: tree.size, hasher: hasher)
        await #expect(throws: MerkleError.self) { try await stale.inclusionProof(index: 65_999, size: 66_000) }
    }

    @Test func questionsBeyondTheTree_throwTypedErrors() async throws {
        let reader = reader(size: 1_000)
        let beyond = await #expect(throws: MerkleError.self) { try await reader.rootHash(size: 1_001) }
        #expect(beyond?.code == .sizeOutOfRange && beyond?.reason == "size 1001 is beyond the tree size 1000")
        let index = await #expect(throws: MerkleError.self) { try await reader.inclusionProof(index: 10, size: 10) }
        #expect(index?.code == .indexOutOfRange)
        let incomplete = await #expect(throws: MerkleError.self) {
            try await reader.hash(of: NodeID(level: 3, index: 125))
        }
        #expect(incomplete?.code == .indexOutOfRange)
        let empty = await #expect(throws: MerkleError.self) { try await reader.consistencyProof(size1: 0, size2: 9) }
        #expect(empty?.code == .emptyTree)
        let order = await #expect(throws: MerkleError.self) { try await reader.consistencyProof(size1: 9, size2: 8) }
        #expect(order?.code == .sizeOutOfRange)
    }

    @Test func missingOrDamagedTiles_throwTypedErrors() async throws {
        var store = tree.store
        store[TileKey(level: 1, index: 0)] = nil
        let missing = await #expect(throws: MerkleError.self) {
            try await reader(store).inclusionProof(index: 3, size: 66_000)
        }
        #expect(missing?.code == .missingTile && missing?.field == "tile(1, 0)")
        store = tree.store
        store[TileKey(level: 0, index: 257)] = Array(store[TileKey(level: 0, index: 257)]?.prefix(100 * 32) ?? [])
        let short = await #expect(throws: MerkleError.self) {
            try await reader(store).hash(of: NodeID(level: 0, index: 257 * 256 + 100))
        }
        #expect(short?.code == .malformedTile)
        // The part of the short tile that exists is still readable.
        #expect(try await reader(store).leafHash(index: 257 * 256 + 99) == tree.leaves[257 * 256 + 99])
    }
}

/// A `LogStore` that has tiles and nothing else: enough to show a store serves readers through
/// `LogStoreTileSource`.
private struct TilesOnlyStore: LogStore {
    let tiles: [TileKey: [UInt8]]
    private var none: LogStoreError { LogStoreError(.unavailable, "this test store holds tiles only") }
    func head() async throws -> LogHead? { nil }
    func append(_ batch: LogBatch) async throws { throw none }
    func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] { throw none }
    func tile(_ key: TileKey) async throws -> [UInt8]? { tiles[key] }
    func checkpoint(size: UInt64) async throws -> [UInt8]? { nil }
    func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] { [] }
    func metadata(_ key: String) async throws -> String? { nil }
    func setMetadata(_ key: String, _ value: String) async throws { throw none }
}

extension TileHashReaderTests {
    @Test func logStoreTileSource_servesAReader() async throws {
        let source = LogStoreTileSource(TilesOnlyStore(tiles: tree.store))
        let reader = TileHashReader(source: source, treeSize: tree.size, hasher: hasher)
        #expect(try await reader.rootHash(size: tree.size) == tree.lastUpdate.rootHash)
    }
}

import Testing
import LedgerCrypto
@testable import Log

/// All hash tiles of a tree computed from scratch from its leaf hashes, with the naive MTH for every tile root:
/// the independent answer the writer's incremental tiles must equal.
func tilesFromScratch(_ leaves: ArraySlice<Hash256>, _ reference: MerkleReference) -> [TileKey: [UInt8]] {
    var tiles: [TileKey: [UInt8]] = [:]
    var hashes = Array(leaves)
    var level: UInt8 = 0
    while !hashes.isEmpty {
        var next: [Hash256] = []
        for start in stride(from: 0, to: hashes.count, by: 256) {
            let chunk = hashes[start..<min(start + 256, hashes.count)]
            tiles[TileKey(level: level, index: UInt64(start / 256))] = chunk.flatMap(\.bytes)
            if chunk.count == 256 { next.append(reference.mth(chunk)) }
        }
        hashes = next
        level += 1
    }
    return tiles
}

@Suite struct TileWriterTests {
    let hasher = MerkleHasher()
    let reference = MerkleReference()

    /// Random batch sizes (empty ones, single leaves, batches that end exactly on a tile boundary, batches of
    /// thousands) from the empty tree to past 65,536 leaves, where tile level 2 appears.
    @Test func randomBatches_pastTileLevel2_equalTilesFromScratch_andRoots() async throws {
        let total = 70_123
        let leaves = merkleTestLeaves(total, hasher)
        let writer = TileWriter(hasher: hasher)
        var rng = MerkleTestRNG(seed: 3)
        var store: [TileKey: [UInt8]] = [:]
        var edge = TreeEdge()
        var frontier = MerkleFrontier()
        var batches = 0
        while Int(edge.size) < total {
            let size = Int(edge.size)
            let count = switch Int.random(in: 0..<10, using: &rng) {
            case 0: 0
            case 1: 1
            case 2: 256 - size % 256
            case 3: Int.random(in: 1_000...9_000, using: &rng)
            default: Int.random(in: 1...400, using: &rng)
            }
            let batch = Array(leaves[size..<min(total, size + count)])
            let update = try writer.append(batch, to: edge)
            let changed = TileLayout.changedTiles(from: edge.size, to: update.size)
            #expect(update.size == edge.size + UInt64(batch.count))
            #expect(Set(update.tiles.keys) == Set(changed.map(\.key)), "batch \(batches) at size \(size)")
            for path in changed {
                #expect(update.tiles[path.key]?.count == path.width * 32, "\(path)")
                // Tiles only grow: a rewritten tile keeps what was stored as its prefix.
                if let old = store[path.key] { #expect(update.tiles[path.key]?.starts(with: old) == true) }
            }
            store.merge(update.tiles) { $1 }
            for leaf in batch { frontier.append(leaf, using: hasher) }
            #expect(update.rootHash == frontier.rootHash(using: hasher), "root at size \(update.size)")
            // A restarted sequencer reloads exactly this edge from the store.
            #expect(try await TreeEdge.load(size: update.size, from: store) == update.edge)
            edge = update.edge
            batches += 1
        }
        #expect(batches > 20)
        #expect(store[TileKey(level: 2, index: 0)]?.count == 32)
        #expect(store == tilesFromScratch(leaves[...], reference))
        #expect(edge.rootHash(using: hasher) == reference.mth(leaves[...]))
    }

    /// One leaf at a time: after every append the stored tiles are exactly the tiles of that size.
    @Test func singleLeafAppends_keepTheStoreEqualToTilesFromScratch() throws {
        let leaves = merkleTestLeaves(600, hasher)
        let writer = TileWriter(hasher: hasher)
        var store: [TileKey: [UInt8]] = [:]
        var edge = TreeEdge()
        for n in 1...600 {
            let update = try writer.append([leaves[n - 1]], to: edge)
            store.merge(update.tiles) { $1 }
            edge = update.edge
            if n <= 300 || n % 37 == 0 {
                #expect(store == tilesFromScratch(leaves[0..<n], reference), "size \(n)")
                #expect(update.rootHash == reference.mth(leaves[0..<n]), "size \(n)")
            }
        }
    }

    @Test func emptyBatch_changesNothing() throws {
        let leaves = merkleTestLeaves(300, hasher)
        let writer = TileWriter(hasher: hasher)
        let first = try writer.append(leaves, to: TreeEdge())
        let again = try writer.append([], to: first.edge)
        #expect(again.tiles.isEmpty && again.edge == first.edge && again.rootHash == first.rootHash)
        #expect(try writer.append([], to: TreeEdge()).rootHash == hasher.emptyRoot())
    }

    @Test func sm3Ledger_tilesAndRootUseSM3() throws {
        let sm3 = MerkleHasher(.sm3)
        let leaves = merkleTestLeaves(700, sm3)
        let update = try TileWriter(hasher: sm3).append(leaves, to: TreeEdge())
        #expect(update.rootHash == MerkleReference(.sm3).mth(leaves[...]))
        #expect(update.tiles == tilesFromScratch(leaves[...], MerkleReference(.sm3)))
        #expect(update.rootHash != hasher.rootHash(of: leaves))
    }

    @Test func edge_rejectsMissingShortOrRaggedTiles_andCutsWiderOnes() throws {
        let leaves = merkleTestLeaves(600, hasher)
        let full = try TileWriter(hasher: hasher).append(leaves, to: TreeEdge())
        let key = TileKey(level: 0, index: 2)  // partial: 600 = 2 · 256 + 88
        let tile = try #require(full.tiles[key])
        #expect(try TreeEdge(size: 600, tiles: full.tiles) == full.edge)
        var missing = full.tiles
        missing[key] = nil
        #expect(throws: MerkleError(.missingTile, field: "\(key)",
                                    "partial \(key) of width 88 for tree size 600 is missing")) {
            try TreeEdge(size: 600, tiles: missing)
        }
        for bad in [Array(tile.dropLast(32)), Array(tile.dropLast(1)), tile + [UInt8](repeating: 0, count: 8192)] {
            var tiles = full.tiles
            tiles[key] = bad
            let e = #expect(throws: MerkleError.self) { try TreeEdge(size: 600, tiles: tiles) }
            #expect(e?.code == .malformedTile)
        }
        // A store that has since grown holds a wider tile: the edge of the older size keeps its prefix.
        let older = try TreeEdge(size: 590, tiles: full.tiles)
        #expect(older.tiles[key]?.count == 78 * 32)
        #expect(older.rootHash(using: hasher) == hasher.rootHash(of: leaves[0..<590]))
    }

    @Test func append_rejectsOverflowingTheTreeSize() throws {
        let size = UInt64.max - 1
        var tiles: [TileKey: [UInt8]] = [:]
        for path in TileLayout.partialTiles(treeSize: size) {
            tiles[path.key] = [UInt8](repeating: 7, count: path.width * 32)
        }
        let edge = try TreeEdge(size: size, tiles: tiles)
        let e = #expect(throws: MerkleError.self) {
            try TileWriter(hasher: hasher).append(merkleTestLeaves(2, hasher), to: edge)
        }
        #expect(e?.code == .sizeOutOfRange)
    }
}

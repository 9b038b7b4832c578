import Testing
@testable import Log

/// C2SP tlog-tiles paths and tile arithmetic.
@Suite struct TilePathTests {
    private func parseError(_ text: String) -> MerkleError? {
        do {
            _ = try TilePath(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func encoding_followsTheSpecExamples() throws {
        #expect(try TilePath(level: 0, index: 1_234_067).path == "tile/0/x001/x234/067")
        #expect(try TilePath(level: 0, index: 0).path == "tile/0/000")
        #expect(try TilePath(level: 2, index: 999).path == "tile/2/999")
        #expect(try TilePath(level: 1, index: 1000, width: 8).path == "tile/1/x001/000.p/8")
        #expect(try TilePath.entries(index: 1_234_067).path == "tile/entries/x001/x234/067")
        #expect(try TilePath.entries(index: 5, width: 255).path == "tile/entries/005.p/255")
        #expect(try TilePath(level: 63, index: UInt64.max).path == "tile/63/x018/x446/x744/x073/x709/x551/615")
    }

    @Test func parsing_roundTripsEveryEncoding() throws {
        var rng = MerkleTestRNG(seed: 7)
        var indices: [UInt64] = [0, 1, 999, 1000, 1001, 999_999, 1_000_000, UInt64.max]
        for _ in 0..<300 {
            indices.append(UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng))
        }
        for index in indices {
            for width in [1, 2, 128, 255, 256] {
                for path in [try TilePath(level: UInt8(index % 64), index: index, width: width),
                             try TilePath.entries(index: index, width: width)] {
                    let parsed = try TilePath(parsing: path.path)
                    #expect(parsed == path, "\(path.path)")
                    #expect(parsed.isPartial == (width < 256))
                }
            }
        }
        let parsed = try TilePath(parsing: "tile/entries/x001/x234/067.p/9")
        #expect(parsed.isEntries && parsed.index == 1_234_067 && parsed.width == 9 && parsed.level == 0)
        #expect(try TilePath(parsing: "tile/3/067").key == TileKey(level: 3, index: 67))
    }

    @Test func parsing_rejectsEveryNonCanonicalOrForeignSpelling() {
        let bad = [
            "", "tile", "tile/", "tile/0", "tile/0/", "/tile/0/000", "tiles/0/000", "TILE/0/000",
            "tile/00/000", "tile/01/000", "tile/64/000", "tile/-1/000", "tile/+1/000", "tile/1a/000", "tile/ 1/000",
            "tile/0/00", "tile/0/0000", "tile/0/1", "tile/0/x001", "tile/0/001/002", "tile/0/x000/001",
            "tile/0/x000/x000/001", "tile/0/X001/000", "tile/0/x01/000", "tile/0/x0001/000", "tile/0/y001/000",
            "tile/0/x018/x446/x744/x073/x709/x551/616", "tile/0/x999/x999/x999/x999/x999/x999/x999/999",
            "tile/0/000.p", "tile/0/000.p/", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/08",
            "tile/0/000.p/1000", "tile/0/000.P/8", "tile/0/000.p/8/", "tile/0/000.p/8/9", "tile/0/000/",
            "tile/0//000", "tile/0/../000", "tile/0/./000", "tile/../0/000", "tile/0/000/..", "tile/0/x001/..",
            "tile/entries", "tile/entries/", "tile/entries/000.p/256", "tile/entries/x000/000", "tile/entry/000",
            "tile/0/000.p/+8", "tile/0/0a0", "tile/0/٠٠٠",
        ]
        for text in bad {
            let e = parseError(text)
            #expect(e?.code == .malformedTilePath, "\"\(text)\" was accepted")
        }
        #expect(parseError("tile/0/000.p/256")?.field == "width")
        #expect(parseError("tile/64/000")?.field == "level")
        #expect(parseError("tile/0/x000/001")?.reason.contains("leading zero group") == true)
    }

    @Test func constructors_rejectLevelsAndWidthsOutsideTheSpec() {
        #expect(throws: MerkleError.self) { try TilePath(level: 64, index: 0) }
        #expect(throws: MerkleError.self) { try TilePath(level: 0, index: 0, width: 0) }
        #expect(throws: MerkleError.self) { try TilePath(level: 0, index: 0, width: 257) }
        #expect(throws: MerkleError.self) { try TilePath.entries(index: 0, width: -1) }
    }

    @Test func widths_andTileLists_matchCountingByHand() {
        // 70,000 leaves: level 0 has 273 full tiles + a partial of 112; level 1 has 273 hashes = 1 full + 17;
        // level 2 has 1 hash.
        let n: UInt64 = 70_000
        #expect(TileLayout.width(of: TileKey(level: 0, index: 272), treeSize: n) == 256)
        #expect(TileLayout.width(of: TileKey(level: 0, index: 273), treeSize: n) == 112)
        #expect(TileLayout.width(of: TileKey(level: 0, index: 274), treeSize: n) == 0)
        #expect(TileLayout.width(of: TileKey(level: 1, index: 0), treeSize: n) == 256)
        #expect(TileLayout.width(of: TileKey(level: 1, index: 1), treeSize: n) == 17)
        #expect(TileLayout.width(of: TileKey(level: 2, index: 0), treeSize: n) == 1)
        #expect(TileLayout.width(of: TileKey(level: 3, index: 0), treeSize: n) == 0)
        #expect(TileLayout.entryBundleWidth(index: 273, treeSize: n) == 112)
        #expect(TileLayout.partialTiles(treeSize: n).map(\.path) == ["tile/0/273.p/112", "tile/1/001.p/17",
                                                                        "tile/2/000.p/1"])
        #expect(TileLayout.tiles(treeSize: n).count == 274 + 2 + 1)
        #expect(TileLayout.partialTiles(treeSize: 0).isEmpty && TileLayout.tiles(treeSize: 0).isEmpty)
        #expect(TileLayout.partialTiles(treeSize: 65_536).map(\.path) == ["tile/2/000.p/1"])
        let top = TileLayout.partialTiles(treeSize: UInt64.max)
        #expect(top.count == 8 && top.last?.path == "tile/7/000.p/255")
    }

    @Test func tileLists_agreeWithWidths_andChangedTilesAreExactlyTheWidthChanges() {
        var rng = MerkleTestRNG(seed: 8)
        for _ in 0..<200 {
            let old = UInt64.random(in: 0...140_000, using: &rng)
            let new = old + UInt64.random(in: 0...70_000, using: &rng) >> UInt64.random(in: 0...16, using: &rng)
            let all = TileLayout.tiles(treeSize: new)
            #expect(all.allSatisfy { $0.width == TileLayout.width(of: $0.key, treeSize: new) })
            #expect(TileLayout.partialTiles(treeSize: new) == all.filter(\.isPartial))
            let changed = all.filter { $0.width != TileLayout.width(of: $0.key, treeSize: old) }
            #expect(TileLayout.changedTiles(from: old, to: new) == changed, "\(old) → \(new)")
        }
    }

    @Test func nodeLocations_pointIntoTheTileOfTheirLevel() {
        #expect(TileLayout.location(of: NodeID(level: 0, index: 1_000)) == TileLocation(
            key: TileKey(level: 0, index: 3), first: 232, count: 1))
        #expect(TileLayout.location(of: NodeID(level: 3, index: 33)) == TileLocation(
            key: TileKey(level: 0, index: 1), first: 8, count: 8))
        #expect(TileLayout.location(of: NodeID(level: 8, index: 5)) == TileLocation(
            key: TileKey(level: 1, index: 0), first: 5, count: 1))
        #expect(TileLayout.location(of: NodeID(level: 15, index: 3)) == TileLocation(
            key: TileKey(level: 1, index: 1), first: 128, count: 128))
        #expect(TileLayout.location(of: NodeID(level: 15, index: 3)).requiredWidth == 256)
        #expect(TileLayout.location(of: NodeID(level: 63, index: 1)).key == TileKey(level: 7, index: 0))
    }
}

import Log

extension LogStoreContract {
    static func emptyStore(_ harness: Harness, _ expect: ContractAsserter) async throws {
        let fresh = try await harness.makeStore()
        try await requireEmpty(fresh, "fresh", expect)
        try await requireEmpty(try await harness.reopen(fresh), "reopened", expect)
    }

    private static func requireEmpty(_ store: any LogStore, _ state: String, _ expect: ContractAsserter)
        async throws
    {
        try expect.equal(try await store.head(), nil, "head of a \(state) empty store")
        try expect.equal(try await store.entries(0..<0), [], "entries 0..<0 of a \(state) empty store")
        try await expect.fails(with: .outOfRange, "entries 0..<1 of a \(state) empty store") {
            _ = try await store.entries(0..<1)
        }
        try expect.equal(try await store.checkpoint(size: 0), nil, "checkpoint at size 0 (\(state))")
        try expect.equal(try await store.tile(TileKey(level: 0, index: 0)), nil, "tile(0, 0) (\(state))")
        try expect.equal(try await store.metadata("origin"), nil, "metadata origin (\(state))")
    }

    static func readBack(_ harness: Harness, _ expect: ContractAsserter) async throws {
        var store = try await harness.makeStore()
        // Edge bytes first: an empty entry, every byte value once, a lone zero byte.
        let edge = LogBatch(firstIndex: 0, entries: [[], (0...255).map { UInt8($0) }, [0]],
            tiles: [TileKey(level: 0, index: 0): ContractData.tile(width: 3, seed: 7)],
            checkpoint: ContractData.checkpoint(size: 3, tag: "edge"))
        let batches = [
            edge,
            ContractData.batch(firstIndex: 3, lengths: [1, 700, 2_000, 33, 0], tag: "second"),
            ContractData.batch(firstIndex: 8, lengths: [512], tag: "third"),
        ]
        for batch in batches { try await store.append(batch) }
        store = try await harness.reopen(store)
        try await requireContents(store, batches, expect)
        let all = batches.flatMap(\.entries)
        try expect.equal(try await store.entries(2..<6), Array(all[2..<6]), "entries 2..<6 across batches")
        try expect.equal(try await store.entries(8..<9), Array(all[8..<9]), "entries 8..<9")
        try expect.equal(try await store.checkpoint(size: 5), nil, "checkpoint at size 5, where no batch ended")
        try expect.equal(try await store.tile(TileKey(level: 1, index: 0)), nil, "tile never written")
    }

    static func headFollowsBatches(_ harness: Harness, _ expect: ContractAsserter) async throws {
        var store = try await harness.makeStore()
        var batches: [LogBatch] = []
        for (number, count) in [1, 4, 255, 1, 300].enumerated() {
            let batch = ContractData.batch(firstIndex: batches.last?.endIndex ?? 0,
                lengths: Array(repeating: 100 + number, count: count), tag: "batch \(number)")
            try await store.append(batch)
            batches.append(batch)
            try expect.equal(try await store.head(), LogHead(size: batch.endIndex, checkpoint: batch.checkpoint),
                "head right after batch \(number)")
            store = try await harness.reopen(store)
            try expect.equal(try await store.head(), LogHead(size: batch.endIndex, checkpoint: batch.checkpoint),
                "head after batch \(number) and a reopen")
        }
        try await requireContents(store, batches, expect)
    }

    static func tilesReplaced(_ harness: Harness, _ expect: ContractAsserter) async throws {
        var store = try await harness.makeStore()
        let keep = TileKey(level: 2, index: 9), grow = TileKey(level: 0, index: 0)
        let first = LogBatch(firstIndex: 0, entries: [[1], [2], [3]],
            tiles: [grow: ContractData.tile(width: 3, seed: 1), keep: ContractData.tile(width: 1, seed: 2)],
            checkpoint: ContractData.checkpoint(size: 3, tag: "three"))
        let second = LogBatch(firstIndex: 3, entries: [[4], [5]],
            tiles: [grow: ContractData.tile(width: 5, seed: 3)],
            checkpoint: ContractData.checkpoint(size: 5, tag: "five"))
        try await store.append(first)
        try await store.append(second)
        store = try await harness.reopen(store)
        try expect.equal(try await store.tile(grow), second.tiles[grow], "\(grow) after growing from 3 to 5 hashes")
        try expect.equal(try await store.tile(keep), first.tiles[keep], "\(keep), which the second batch left alone")
    }

    static func largeBatch(_ harness: Harness, _ expect: ContractAsserter) async throws {
        var store = try await harness.makeStore()
        let batch = ContractData.batch(firstIndex: 0, lengths: Array(repeating: 700, count: 1_000), tag: "large")
        try await store.append(batch)
        store = try await harness.reopen(store)
        try await requireContents(store, [batch], expect)
        try expect.equal(try await store.entries(999..<1_000), [batch.entries[999]], "entry 999")
    }

    static func emptyBatch(_ harness: Harness, _ expect: ContractAsserter) async throws {
        var store = try await harness.makeStore()
        let first = ContractData.batch(firstIndex: 0, lengths: [10, 20], tag: "first")
        try await store.append(first)
        let cosigned = LogBatch(firstIndex: 2, entries: [], tiles: [:],
            checkpoint: ContractData.checkpoint(size: 2, tag: "first, now with a cosignature"))
        try await store.append(cosigned)
        try await expect.fails(with: .conflict, "an empty batch at index 1 of a 2-entry log") {
            try await store.append(LogBatch(firstIndex: 1, entries: [], tiles: [:], checkpoint: [9]))
        }
        store = try await harness.reopen(store)
        try expect.equal(try await store.head(), LogHead(size: 2, checkpoint: cosigned.checkpoint),
            "head after an empty batch")
        try expect.equal(try await store.checkpoint(size: 2), cosigned.checkpoint, "checkpoint at size 2")
        try expect.equal(try await store.entries(0..<2), first.entries, "entries after an empty batch")
    }
}

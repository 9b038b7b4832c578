import Log

extension LogStoreContract {
    static func wrongFirstIndex(_ harness: Harness, _ expect: ContractAsserter) async throws {
        var store = try await harness.makeStore()
        let first = ContractData.batch(firstIndex: 0, lengths: [40, 41, 42], tag: "first")
        try await store.append(first)
        // Each attempt brings a new tile key, a grown tile and a checkpoint, none of which may land.
        let stray = TileKey(level: 0, index: 7)
        for wrongIndex: UInt64 in [0, 2, 4, 1_000, UInt64.max - 1] {
            let attempt = LogBatch(firstIndex: wrongIndex, entries: [[0xEE], [0xEF]],
                tiles: [TileKey(level: 0, index: 0): ContractData.tile(width: 5, seed: 99),
                        stray: ContractData.tile(width: 1, seed: 98)],
                checkpoint: ContractData.checkpoint(size: 5, tag: "intruder at \(wrongIndex)"))
            try await expect.fails(with: .conflict, "a batch at index \(wrongIndex) of a 3-entry log") {
                try await store.append(attempt)
            }
        }
        store = try await harness.reopen(store)
        try await requireContents(store, [first], expect)
        try expect.equal(try await store.tile(stray), nil, "\(stray) from refused batches")
        try expect.equal(try await store.checkpoint(size: 5), nil, "checkpoint at size 5 from refused batches")
        // The right index still works afterwards.
        let second = ContractData.batch(firstIndex: 3, lengths: [43], tag: "second")
        try await store.append(second)
        try await requireContents(store, [first, second], expect)
    }

    static func readsPastSize(_ harness: Harness, _ expect: ContractAsserter) async throws {
        let store = try await harness.makeStore()
        let batch = ContractData.batch(firstIndex: 0, lengths: Array(repeating: 50, count: 10), tag: "ten")
        try await store.append(batch)
        let past: [Range<UInt64>] = [0..<11, 9..<11, 10..<11, 11..<12, 100..<200, (UInt64.max - 1)..<UInt64.max]
        for range in past {
            try await expect.fails(with: .outOfRange, "entries \(range) of a 10-entry log") {
                _ = try await store.entries(range)
            }
        }
        try expect.equal(try await store.entries(10..<10), [], "entries 10..<10 (empty, at the end)")
        try expect.equal(try await store.entries(0..<10), batch.entries, "entries 0..<10")
        try expect.equal(try await store.checkpoint(size: UInt64.max), nil, "checkpoint at size 2^64-1")
        try expect.equal(try await store.tile(TileKey(level: 255, index: UInt64.max)), nil, "tile(255, 2^64-1)")
    }

    static func metadataSetOnce(_ harness: Harness, _ expect: ContractAsserter) async throws {
        var store = try await harness.makeStore()
        try await store.setMetadata("origin", "ledger.example/a")
        try await store.setMetadata("origin", "ledger.example/a")   // the same value again is fine
        try await expect.fails(with: .conflict, "changing metadata origin") {
            try await store.setMetadata("origin", "ledger.example/b")
        }
        try await store.setMetadata("hash-suite", "sha256")
        try await store.setMetadata("empty", "")
        try await expect.fails(with: .conflict, "changing an empty metadata value") {
            try await store.setMetadata("empty", "x")
        }
        store = try await harness.reopen(store)
        try expect.equal(try await store.metadata("origin"), "ledger.example/a", "origin after a refused change")
        try expect.equal(try await store.metadata("hash-suite"), "sha256", "hash-suite")
        try expect.equal(try await store.metadata("empty"), "", "empty value")
        try expect.equal(try await store.metadata("Origin"), nil, "keys are case-sensitive")
        try expect.equal(try await store.head(), nil, "metadata writes do not make a head")
    }

    static func entrySizeLimit(_ harness: Harness, _ expect: ContractAsserter) async throws {
        var store = try await harness.makeStore()
        let largest = LogBatch(firstIndex: 0, entries: [ContractData.entry(seed: 1, length: 65_535)],
            tiles: [TileKey(level: 0, index: 0): ContractData.tile(width: 1, seed: 1)],
            checkpoint: ContractData.checkpoint(size: 1, tag: "largest"))
        try await store.append(largest)
        let tooLarge = LogBatch(firstIndex: 1,
            entries: [[1, 2, 3], ContractData.entry(seed: 2, length: 65_536), [4]],
            tiles: [TileKey(level: 0, index: 0): ContractData.tile(width: 4, seed: 2)],
            checkpoint: ContractData.checkpoint(size: 4, tag: "too large"))
        try await expect.fails(with: .outOfRange, "a batch holding a 65,536-byte entry") {
            try await store.append(tooLarge)
        }
        store = try await harness.reopen(store)
        try await requireContents(store, [largest], expect)
        try expect.equal(try await store.checkpoint(size: 4), nil, "checkpoint of the refused batch")
    }

    /// Racing appenders on one store: at one index exactly one wins; appenders that retry on `.conflict` all get
    /// their batches in, each exactly once and contiguous, with no gap.
    static func concurrentAppenders(_ harness: Harness, _ expect: ContractAsserter) async throws {
        let store = try await harness.makeStore()
        let contenders = (0..<8).map { ContractData.batch(firstIndex: 0, lengths: [30, 31, 32], tag: "racer \($0)") }
        let outcomes = try await withThrowingTaskGroup(of: (Int, LogStoreError.Code?).self) { group in
            for (number, batch) in contenders.enumerated() {
                group.addTask {
                    do { try await store.append(batch); return (number, nil) }
                    catch let error as LogStoreError { return (number, error.code) }
                }
            }
            return try await group.reduce(into: [(Int, LogStoreError.Code?)]()) { $0.append($1) }
        }
        let winners = outcomes.filter { $0.1 == nil }.map(\.0)
        try expect.equal(winners.count, 1, "appenders that won index 0 (of 8)")
        try expect.require(outcomes.allSatisfy { $0.1 == nil || $0.1 == .conflict },
            "losers must see .conflict, saw \(outcomes.compactMap(\.1))")
        let winner = contenders[winners[0]]
        try await requireContents(store, [winner], expect)

        let written = try await withThrowingTaskGroup(of: [LogBatch].self) { group in
            for appender in 0..<4 {
                group.addTask { try await appendWithRetry(store, appender: appender, batches: 5, expect) }
            }
            return try await group.reduce(into: [LogBatch]()) { $0 += $1 }
        }
        let ordered = [winner] + written.sorted { $0.firstIndex < $1.firstIndex }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            try expect.equal(later.firstIndex, earlier.endIndex,
                "first index of the batch after the one ending at \(earlier.endIndex)")
        }
        try await requireContents(store, ordered, expect)
    }

    private static func appendWithRetry(_ store: any LogStore, appender: Int, batches: Int,
        _ expect: ContractAsserter) async throws -> [LogBatch]
    {
        var written: [LogBatch] = []
        var attempts = 0
        while written.count < batches {
            attempts += 1
            try expect.require(attempts <= 10_000, "appender \(appender) starved after \(attempts) conflicts")
            let start = try await store.head()?.size ?? 0
            let batch = ContractData.batch(firstIndex: start, lengths: [20, 21],
                tag: "appender \(appender) batch \(written.count)")
            do {
                try await store.append(batch)
                written.append(batch)
            } catch let error as LogStoreError where error.code == .conflict {
                await Task.yield()
            }
        }
        return written
    }
}

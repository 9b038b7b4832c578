import Testing
import Log
import LogStoreContract

/// The `LogStore` contract against the in-memory store, then its fault hooks: each injected failure must leave
/// the store exactly as the durability contract says a crash at that moment would.
@Suite struct MemoryLogStoreTests {
    private static let harness = LogStoreContract.Harness(makeStore: { MemoryLogStore() })

    private func run(_ check: LogStoreContract.Check) async throws {
        try await LogStoreContract.run(check, Self.harness)
    }

    @Test func emptyStore_hasNoHead() async throws { try await run(.emptyStore_hasNoHead) }

    @Test func appendedBatches_readBackByteIdentical() async throws {
        try await run(.appendedBatches_readBackByteIdentical)
    }

    @Test func head_followsEachBatch() async throws { try await run(.head_followsEachBatch) }

    @Test func wrongFirstIndex_conflictsAndWritesNothing() async throws {
        try await run(.wrongFirstIndex_conflictsAndWritesNothing)
    }

    @Test func readsPastSize_areOutOfRange() async throws { try await run(.readsPastSize_areOutOfRange) }

    @Test func metadata_isSetOnce() async throws { try await run(.metadata_isSetOnce) }

    @Test func concurrentAppenders_exactlyOneWinsEachIndex() async throws {
        try await run(.concurrentAppenders_exactlyOneWinsEachIndex)
    }

    @Test func tiles_replacedOnGrowth() async throws { try await run(.tiles_replacedOnGrowth) }

    @Test func largeBatch_roundTrips() async throws { try await run(.largeBatch_roundTrips) }

    @Test func entrySizeLimit_acceptsMaxAndRejectsOneMore() async throws {
        try await run(.entrySizeLimit_acceptsMaxAndRejectsOneMore)
    }

    @Test func emptyBatch_republishesCheckpointAtSameSize() async throws {
        try await run(.emptyBatch_republishesCheckpointAtSameSize)
    }

    @Test func runAll_passesForMemoryStore() async throws {
        try await LogStoreContract.runAll(makeStore: { MemoryLogStore() })
    }

    // MARK: Fault hooks

    @Test func failBeforeCommit_writesNothing_andTheRetrySucceeds() async throws {
        let store = MemoryLogStore()
        let first = ContractData.batch(firstIndex: 0, lengths: [10, 11], tag: "first")
        try await store.append(first)
        let second = ContractData.batch(firstIndex: 2, lengths: [12, 13, 14], tag: "second")
        await store.injectFault(.failBeforeCommit)
        let error = await #expect(throws: LogStoreError.self) { try await store.append(second) }
        #expect(error?.code == .unavailable)
        #expect(await store.head() == LogHead(size: 2, checkpoint: first.checkpoint))
        #expect(await store.checkpoint(size: 5) == nil)
        #expect(await store.commitCount == 1)
        try await store.append(second)   // the fault was for one append only
        #expect(try await store.entries(0..<5) == first.entries + second.entries)
    }

    /// A lost acknowledgement: the batch is in, the caller was told it failed. Retrying the same batch must not
    /// append it twice: it conflicts, and the caller learns the truth from `head()`.
    @Test func failAfterCommit_keepsBatch_andItsRetryConflicts() async throws {
        let store = MemoryLogStore()
        let batch = ContractData.batch(firstIndex: 0, lengths: [10, 11], tag: "acknowledgement lost")
        await store.injectFault(.failAfterCommit)
        let error = await #expect(throws: LogStoreError.self) { try await store.append(batch) }
        #expect(error?.code == .unavailable)
        #expect(await store.head() == LogHead(size: 2, checkpoint: batch.checkpoint))
        let retry = await #expect(throws: LogStoreError.self) { try await store.append(batch) }
        #expect(retry?.code == .conflict)
        #expect(try await store.entries(0..<2) == batch.entries)
    }

    @Test(arguments: [0, 1, 2, 3, 10])
    func tornWrite_isNeverVisible_andTheIndexStaysFree(entriesWritten: Int) async throws {
        let store = MemoryLogStore()
        let first = ContractData.batch(firstIndex: 0, lengths: [10], tag: "first")
        try await store.append(first)
        let torn = ContractData.batch(firstIndex: 1, lengths: [20, 21, 22], tag: "torn")
        await store.injectFault(.tornWrite(entriesWritten: entriesWritten))
        let error = await #expect(throws: LogStoreError.self) { try await store.append(torn) }
        #expect(error?.code == .unavailable)
        #expect(await store.head() == LogHead(size: 1, checkpoint: first.checkpoint))
        let past = await #expect(throws: LogStoreError.self) { _ = try await store.entries(1..<2) }
        #expect(past?.code == .outOfRange)
        #expect(await store.tile(TileKey(level: 0, index: 0)) == first.tiles[TileKey(level: 0, index: 0)])
        #expect(await store.checkpoint(size: 4) == nil)
        let clean = ContractData.batch(firstIndex: 1, lengths: [30, 31], tag: "after the tear")
        try await store.append(clean)
        #expect(try await store.entries(0..<3) == first.entries + clean.entries)
    }
}

import Testing
import LogStoreContract

/// The whole `LogStore` contract, unchanged, against a real PostgreSQL server (PostgresTestServer): one test per
/// check, so a failure names its check; every store is a fresh schema.
@Suite struct PostgresContractTests {
    @Test func emptyStore_hasNoHead() async throws {
        try await PostgresTestStores.runContract(.emptyStore_hasNoHead)
    }

    @Test func appendedBatches_readBackByteIdentical() async throws {
        try await PostgresTestStores.runContract(.appendedBatches_readBackByteIdentical)
    }

    @Test func head_followsEachBatch() async throws {
        try await PostgresTestStores.runContract(.head_followsEachBatch)
    }

    @Test func wrongFirstIndex_conflictsAndWritesNothing() async throws {
        try await PostgresTestStores.runContract(.wrongFirstIndex_conflictsAndWritesNothing)
    }

    @Test func readsPastSize_areOutOfRange() async throws {
        try await PostgresTestStores.runContract(.readsPastSize_areOutOfRange)
    }

    @Test func metadata_isSetOnce() async throws {
        try await PostgresTestStores.runContract(.metadata_isSetOnce)
    }

    @Test func concurrentAppenders_exactlyOneWinsEachIndex() async throws {
        try await PostgresTestStores.runContract(.concurrentAppenders_exactlyOneWinsEachIndex)
    }

    @Test func tiles_replacedOnGrowth() async throws {
        try await PostgresTestStores.runContract(.tiles_replacedOnGrowth)
    }

    @Test func largeBatch_roundTrips() async throws {
        try await PostgresTestStores.runContract(.largeBatch_roundTrips)
    }

    @Test func entrySizeLimit_acceptsMaxAndRejectsOneMore() async throws {
        try await PostgresTestStores.runContract(.entrySizeLimit_acceptsMaxAndRejectsOneMore)
    }

    @Test func emptyBatch_republishesCheckpointAtSameSize() async throws {
        try await PostgresTestStores.runContract(.emptyBatch_republishesCheckpointAtSameSize)
    }

    /// Every check again, each store closed and its schema opened anew (new connections) before it is read back.
    @Test(arguments: LogStoreContract.Check.allCases)
    func reopenedStore_meetsContract(_ check: LogStoreContract.Check) async throws {
        try await PostgresTestStores.runContract(check, reopening: true)
    }

    /// `runAll` exactly as the brief names it: the suite in one go on one harness.
    @Test func runAll_passesOnFreshSchemas() async throws {
        let created = PostgresTestStores.Created()
        let harness = PostgresTestStores.harness(reopening: true, created: created)
        var failure: (any Error)?
        do { try await LogStoreContract.runAll(makeStore: harness.makeStore, reopen: harness.reopen) } catch {
            failure = error
        }
        for options in created.all { try await PostgresTestStores.drop(options) }
        if let failure { throw failure }
    }
}

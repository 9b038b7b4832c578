import Testing
import LogStoreContract

/// The whole `LogStore` contract against SQLite files: one test per check, so a failure names its check.
@Suite struct SQLiteContractTests {
    @Test func emptyStore_hasNoHead() async throws {
        try await runSQLiteContract(.emptyStore_hasNoHead)
    }

    @Test func appendedBatches_readBackByteIdentical() async throws {
        try await runSQLiteContract(.appendedBatches_readBackByteIdentical)
    }

    @Test func head_followsEachBatch() async throws {
        try await runSQLiteContract(.head_followsEachBatch)
    }

    @Test func wrongFirstIndex_conflictsAndWritesNothing() async throws {
        try await runSQLiteContract(.wrongFirstIndex_conflictsAndWritesNothing)
    }

    @Test func readsPastSize_areOutOfRange() async throws {
        try await runSQLiteContract(.readsPastSize_areOutOfRange)
    }

    @Test func metadata_isSetOnce() async throws {
        try await runSQLiteContract(.metadata_isSetOnce)
    }

    @Test func concurrentAppenders_exactlyOneWinsEachIndex() async throws {
        try await runSQLiteContract(.concurrentAppenders_exactlyOneWinsEachIndex)
    }

    @Test func tiles_replacedOnGrowth() async throws {
        try await runSQLiteContract(.tiles_replacedOnGrowth)
    }

    @Test func largeBatch_roundTrips() async throws {
        try await runSQLiteContract(.largeBatch_roundTrips)
    }

    @Test func entrySizeLimit_acceptsMaxAndRejectsOneMore() async throws {
        try await runSQLiteContract(.entrySizeLimit_acceptsMaxAndRejectsOneMore)
    }

    @Test func emptyBatch_republishesCheckpointAtSameSize() async throws {
        try await runSQLiteContract(.emptyBatch_republishesCheckpointAtSameSize)
    }

    /// Every check again, but each store is closed and its file reopened before it is read back: what a restarted
    /// daemon sees. Parameterized over `Check.allCases`, so a check added to the suite is covered here at once.
    @Test(arguments: LogStoreContract.Check.allCases)
    func reopenedStore_meetsContract(_ check: LogStoreContract.Check) async throws {
        try await runSQLiteContract(check, reopening: true)
    }
}

public import Log

/// The store-agnostic test suite for the `LogStore` durability contract (Sources/Log/Store/LogStore.swift).
///
/// Every implementation — SQLite, the in-memory store, PostgreSQL later — runs these same checks unchanged. This
/// target never ships and does not import Testing: each check is an async function that throws a
/// `ContractViolation` naming itself, and test targets wrap one `@Test` around each so a failure is named.
public enum LogStoreContract {
    /// How the suite gets stores: a fresh empty one per check, and a way to close and reopen it so that checks
    /// read back what a *new* process would see. For an in-memory store `reopen` is the identity.
    public struct Harness: Sendable {
        public let makeStore: @Sendable () async throws -> any LogStore
        public let reopen: @Sendable (any LogStore) async throws -> any LogStore

        public init(
            makeStore: @escaping @Sendable () async throws -> any LogStore,
            reopen: @escaping @Sendable (any LogStore) async throws -> any LogStore = { $0 }
        ) {
            self.makeStore = makeStore
            self.reopen = reopen
        }
    }

    /// The checks, in the order `runAll` runs them.
    public enum Check: String, CaseIterable, Sendable, CustomStringConvertible {
        case emptyStore_hasNoHead
        case appendedBatches_readBackByteIdentical
        case head_followsEachBatch
        case wrongFirstIndex_conflictsAndWritesNothing
        case readsPastSize_areOutOfRange
        case metadata_isSetOnce
        case concurrentAppenders_exactlyOneWinsEachIndex
        case tiles_replacedOnGrowth
        case largeBatch_roundTrips
        case entrySizeLimit_acceptsMaxAndRejectsOneMore
        case emptyBatch_republishesCheckpointAtSameSize

        public var description: String { rawValue }
    }

    /// Runs every check against stores from `makeStore`; throws the first `ContractViolation`.
    public static func runAll(
        makeStore: @escaping @Sendable () async throws -> any LogStore,
        reopen: @escaping @Sendable (any LogStore) async throws -> any LogStore = { $0 }
    ) async throws {
        let harness = Harness(makeStore: makeStore, reopen: reopen)
        for check in Check.allCases { try await run(check, harness) }
    }

    /// Runs one check against a fresh store from `harness`.
    public static func run(_ check: Check, _ harness: Harness) async throws {
        let expect = ContractAsserter(check: check.rawValue)
        switch check {
        case .emptyStore_hasNoHead: try await emptyStore(harness, expect)
        case .appendedBatches_readBackByteIdentical: try await readBack(harness, expect)
        case .head_followsEachBatch: try await headFollowsBatches(harness, expect)
        case .wrongFirstIndex_conflictsAndWritesNothing: try await wrongFirstIndex(harness, expect)
        case .readsPastSize_areOutOfRange: try await readsPastSize(harness, expect)
        case .metadata_isSetOnce: try await metadataSetOnce(harness, expect)
        case .concurrentAppenders_exactlyOneWinsEachIndex: try await concurrentAppenders(harness, expect)
        case .tiles_replacedOnGrowth: try await tilesReplaced(harness, expect)
        case .largeBatch_roundTrips: try await largeBatch(harness, expect)
        case .entrySizeLimit_acceptsMaxAndRejectsOneMore: try await entrySizeLimit(harness, expect)
        case .emptyBatch_republishesCheckpointAtSameSize: try await emptyBatch(harness, expect)
        }
    }

    /// Requires `store` to hold exactly `batches` (appended in order from index 0): head, entries, every
    /// batch's checkpoint, and the tiles as the last batch to write each key left them.
    static func requireContents(_ store: any LogStore, _ batches: [LogBatch], _ expect: ContractAsserter)
        async throws
    {
        let size = batches.last?.endIndex ?? 0
        try expect.equal(try await store.head()?.size, batches.last.map { _ in size }, "head size")
        try expect.equal(try await store.head()?.checkpoint, batches.last?.checkpoint, "head checkpoint")
        try expect.equal(try await store.entries(0..<size), batches.flatMap(\.entries), "entries 0..<\(size)")
        var tiles: [TileKey: [UInt8]] = [:]
        for batch in batches {
            try expect.equal(try await store.checkpoint(size: batch.endIndex), batch.checkpoint,
                "checkpoint at size \(batch.endIndex)")
            tiles.merge(batch.tiles) { _, new in new }
        }
        for (key, tile) in tiles { try expect.equal(try await store.tile(key), tile, "\(key)") }
    }
}

import LedgerServer
import Log
import LogStoreContract
import Logging
import Synchronization
import Testing

/// The daemon wraps its store in a `StoreWriteMonitor`; on a shared store (PostgreSQL) the sequencer relies on the
/// store's append turns for fairness after a lost race, so the monitor must pass them through, and still watch the
/// appends made inside a turn.
@Suite struct StoreWriteMonitorTurnTests {
    /// A memory store with turns that counts them, and can be told to fail appends.
    final class TurnStore: AppendTurnStore {
        let inner = MemoryLogStore()
        let turns = Atomic<Int>(0)
        let failing = Atomic<Bool>(false)

        func append(_ batch: LogBatch) async throws {
            if failing.load(ordering: .relaxed) { throw LogStoreError(.unavailable, "disk I/O error") }
            try await inner.append(batch)
        }

        func withAppendTurn<T: Sendable>(_ body: (AppendTurn) async throws -> T) async throws -> T {
            turns.add(1, ordering: .relaxed)
            return try await body(AppendTurn { batch in try await self.append(batch) })
        }

        func head() async throws -> LogHead? { try await inner.head() }
        func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] { try await inner.entries(range) }
        func tile(_ key: TileKey) async throws -> [UInt8]? { try await inner.tile(key) }
        func checkpoint(size: UInt64) async throws -> [UInt8]? { try await inner.checkpoint(size: size) }
        func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
            try await inner.checkpoints(from: size, limit: limit)
        }
        func metadata(_ key: String) async throws -> String? { try await inner.metadata(key) }
        func setMetadata(_ key: String, _ value: String) async throws { try await inner.setMetadata(key, value) }
    }

    @Test func turnsOfTheWrappedStore_areUsed_andAppendsInsideThemAreWatched() async throws {
        let store = TurnStore()
        let monitor = StoreWriteMonitor(wrapping: store, logger: quietLogger("test"))
        try await monitor.withAppendTurn { turn in
            try await turn.append(LogBatch(firstIndex: 0, entries: [payload(0)], tiles: [:], checkpoint: [1]))
        }
        #expect(store.turns.load(ordering: .relaxed) == 1)
        #expect(try await store.head()?.size == 1)
        #expect(monitor.failure == nil)

        store.failing.store(true, ordering: .relaxed)
        await #expect(throws: LogStoreError.self) {
            try await monitor.withAppendTurn { turn in
                try await turn.append(LogBatch(firstIndex: 1, entries: [payload(1)], tiles: [:], checkpoint: [2]))
            }
        }
        #expect(store.turns.load(ordering: .relaxed) == 2)
        #expect(monitor.totalFailures == 1 && monitor.failure != nil)
    }

    @Test func overAStoreWithoutTurns_aTurnIsJustTheNextAppend() async throws {
        let store = MemoryLogStore()
        let monitor = StoreWriteMonitor(wrapping: store, logger: quietLogger("test"))
        try await monitor.withAppendTurn { turn in
            try await turn.append(LogBatch(firstIndex: 0, entries: [payload(0)], tiles: [:], checkpoint: [1]))
        }
        #expect(try await store.head()?.size == 1)
    }
}

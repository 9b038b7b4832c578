import Foundation
import Hummingbird
import LedgerServer
import Log
import Logging
import ServiceLifecycle
import Testing
import LogStoreContract

/// The daemon's ServiceGroup: a graceful shutdown while submissions are in flight loses nothing acknowledged.
@Suite struct GracefulShutdownTests {
    @Test func shutdownWithSubmissionsInFlight_keepsEveryAcknowledgedEntryAndEndsTheGroup() async throws {
        let log = try await TestLedger.make(entries: 0) { $0.sequencer.maxBatchDelayMilliseconds = 20 }
        defer { log.remove() }
        let logger = quietLogger("test")
        let app = try log.application()
        let group = LedgerServices.group(ledger: log.ledger, server: app, signals: [], logger: logger)
        let sequencer = log.ledger.sequencer

        let acknowledged = try await withThrowingTaskGroup(of: UInt64?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            // Wait until the sequencer takes submissions, then keep 200 of them in flight.
            for n in 0..<200 {
                tasks.addTask {
                    do { return try await sequencer.submit([payload(n)]).items[0].entry.index }
                    catch let error as LogError where error.code == .shuttingDown { return nil }
                }
            }
            try await Task.sleep(for: .milliseconds(5))
            await group.triggerGracefulShutdown()
            var indices: [UInt64] = []
            for try await index in tasks { if let index { indices.append(index) } }
            return indices
        }
        // Every acknowledged index is stored, and the stored log is exactly what was acknowledged: no gaps.
        let stored = try #require(try await log.ledger.store.head()).size
        #expect(!acknowledged.isEmpty)
        #expect(Set(acknowledged) == Set(0..<stored))
        #expect(sequencer.head.size == stored)
        // After the group ended the sequencer takes nothing more.
        await #expect(throws: LogError.self) { _ = try await sequencer.submit([payload(999)]) }
    }
}

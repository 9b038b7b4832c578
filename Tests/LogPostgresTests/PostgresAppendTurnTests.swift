import Foundation
import Testing
import Log
@testable import LogPostgres
import LogStoreContract
import PostgresTestSupport

/// `withAppendTurn` on PostgreSQL: the `log` row lock held from the start of a turn to its commit, so another
/// daemon's append waits for the turn and then loses the compare-and-swap, and a turn that appends nothing writes
/// nothing and lets the others go on.
@Suite struct PostgresAppendTurnTests {
    @Test func appendDuringAnotherDaemonsTurn_waitsForItsCommitThenConflicts() async throws {
        try await PostgresTestStores.withSchema { options in
            let holder = try await PostgresLogStore.create(options: options, origin: PostgresTestStores.origin)
            let other = try await PostgresLogStore.open(options: options, origin: PostgresTestStores.origin)
            let rival = ContractData.batch(firstIndex: 0, lengths: [10], tag: "rival")
            let (outcome, waitedForTurn) = try await holder.withAppendTurn { turn in
                try await withThrowingTaskGroup(of: (LogStoreError?, Duration).self) { group in
                    group.addTask {
                        let started = ContinuousClock.now
                        do { try await other.append(rival); return (nil, ContinuousClock.now - started) } catch {
                            return (error as? LogStoreError, ContinuousClock.now - started)
                        }
                    }
                    // The rival's statement is now queued on the row lock; ours goes in within the turn.
                    try await Task.sleep(for: .milliseconds(300))
                    try await turn.append(ContractData.batch(firstIndex: 0, lengths: [10, 20], tag: "turn"))
                    let result = try #require(try await group.next())
                    return (result.0, result.1)
                }
            }
            #expect(outcome?.code == .conflict, "the rival finds the size moved: \(String(describing: outcome))")
            #expect(waitedForTurn >= .milliseconds(250), "the rival waited for the turn (\(waitedForTurn))")
            #expect(try await other.head()?.size == 2)
            #expect(try await other.entries(0..<2) == ContractData.batch(firstIndex: 0, lengths: [10, 20],
                                                                          tag: "turn").entries)
            await holder.close()
            await other.close()
        }
    }

    @Test func turnWithoutAppend_writesNothingAndReleasesTheLock() async throws {
        try await PostgresTestStores.withSchema { options in
            let holder = try await PostgresLogStore.create(options: options, origin: PostgresTestStores.origin)
            let answer = try await holder.withAppendTurn { _ in 42 }
            #expect(answer == 42)
            // Nobody is held off any more: a plain append by another store goes through at once.
            let other = try await PostgresLogStore.open(options: options, origin: PostgresTestStores.origin)
            let started = ContinuousClock.now
            try await other.append(ContractData.batch(firstIndex: 0, lengths: [5], tag: "after"))
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(try await holder.head()?.size == 1)
            // One batch per turn: a second append in the same turn is refused and writes nothing.
            let second = await #expect(throws: LogStoreError.self) {
                try await holder.withAppendTurn { turn in
                    try await turn.append(ContractData.batch(firstIndex: 1, lengths: [5], tag: "one"))
                    try await turn.append(ContractData.batch(firstIndex: 2, lengths: [5], tag: "two"))
                }
            }
            #expect(second?.code == .conflict)
            #expect(try await other.head()?.size == 2, "the first append of the turn committed, the second did not")
            await holder.close()
            await other.close()
        }
    }
}

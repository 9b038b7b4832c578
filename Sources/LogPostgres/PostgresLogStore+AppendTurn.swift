public import Log
import Logging
import PostgresNIO
import Synchronization

/// Turns for appenders that lost a race (`AppendTurnStore`): a transaction holding the `log` row's lock
/// (`SELECT … FOR UPDATE`, granted in arrival order) from before the loser catches up until its batch commits.
/// Other daemons' appends wait on that lock meanwhile (at most `lockTimeout`), then find the size moved and lose
/// the compare-and-swap in turn — so the daemons take turns instead of one of them winning every race.
extension PostgresLogStore: AppendTurnStore {
    /// Holds one pooled connection for the turn; the caller's reads during the turn (catching up, proofs) use
    /// others. With a pool of one connection there is nothing to read with, so `body` then runs without a turn,
    /// appending optimistically.
    public func withAppendTurn<T: Sendable>(_ body: (AppendTurn) async throws -> T) async throws -> T {
        guard options.poolSize >= 2 else {
            return try await body(AppendTurn { batch in try await self.append(batch) })
        }
        let connection = try await pool.lease()
        let ended = Mutex(false)   // the turn's transaction is over (committed, or given up): guards ROLLBACK
        do {
            try await connection.query("BEGIN", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: schema.lockLogRow), logger: logger)
        } catch {
            await endTurn(connection, rollback: true)
            throw PostgresFailure.map(error, doing: "waiting for the append turn", options: options)
        }
        let turn = AppendTurn { [self] batch in
            guard ended.withLock({ done in defer { done = true }; return !done }) else {
                throw LogStoreError(.conflict, "the append turn is over: one batch per turn")
            }
            let query = try await appendQuery(for: batch)
            let swapped: Bool
            do {
                swapped = try await Self.execute(query, on: connection, logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw PostgresFailure.map(error, doing: "appending the batch at index \(batch.firstIndex) in a turn",
                                          options: options)
            }
            guard swapped else {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw try await conflict(batch)
            }
            try await PostgresSession.commit(connection, options: options, logger: logger)
        }
        let result: Result<T, any Error>
        do { result = .success(try await body(turn)) } catch { result = .failure(error) }
        let rollback = ended.withLock { done in defer { done = true }; return !done }
        await endTurn(connection, rollback: rollback)
        return try result.get()
    }

    /// Gives the turn's connection back, rolling back first if its transaction is still open; a connection that
    /// cannot be rolled back is closed rather than returned in a failed transaction.
    private func endTurn(_ connection: PostgresConnection, rollback: Bool) async {
        if rollback {
            do { try await connection.query("ROLLBACK", logger: logger) } catch { try? await connection.close() }
        }
        pool.release(connection)
    }
}

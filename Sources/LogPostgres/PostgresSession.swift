import Log
import Logging
import PostgresNIO

/// Opening one connection of a store and preparing it for the durability contract, and running transactions on it.
enum PostgresSession {
    /// Opens connection `number`, then per session: raises `synchronous_commit` to `on` if the server or role
    /// default is `off` (a commit must be flushed before an append returns), sets `lock_timeout`, and refuses a
    /// server running with `fsync` off — such a server can lose committed transactions in a crash.
    static func open(options: PostgresStoreOptions, tls: PostgresConnection.Configuration.TLS, number: Int,
                     logger: Logger) async throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: options.host, port: options.port, username: options.user, password: options.password,
            database: options.database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(milliseconds(options.connectTimeout))
        configuration.options.additionalStartupParameters = [("application_name", "certledger")]
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: number, logger: logger)
        } catch let error as PSQLError where error.serverInfo != nil {
            throw PostgresFailure.map(error, doing: "logging in as \(options.user)", options: options)
        } catch let error as PSQLError {
            throw LogStoreError(.unavailable, PostgresFailure.connectionReason(error, options: options))
        } catch {
            throw LogStoreError(.unavailable, "cannot reach PostgreSQL at \(options.endpoint) (database "
                + "\(options.database), user \(options.user)): \(error)")
        }
        do {
            try await prepare(connection, options: options, logger: logger)
            return connection
        } catch {
            try? await connection.close()
            throw PostgresFailure.map(error, doing: "preparing a connection", options: options)
        }
    }

    private static func prepare(_ connection: PostgresConnection, options: PostgresStoreOptions,
                                logger: Logger) async throws {
        let lockTimeout = max(1, milliseconds(options.lockTimeout))
        try await connection.query(PostgresQuery(unsafeSQL: "SET lock_timeout = \(lockTimeout)"), logger: logger)
        let rows = try await connection.query(
            "SELECT current_setting('synchronous_commit'), current_setting('fsync')", logger: logger)
        var settings: (commit: String, fsync: String)?
        for try await row in rows.decode((String, String).self) { settings = (row.0, row.1) }
        guard let settings else { throw LogStoreError(.unavailable, "the server returned no settings") }
        guard settings.fsync == "on" else {
            throw LogStoreError(.unavailable, "PostgreSQL at \(options.endpoint) runs with fsync=\(settings.fsync): "
                + "a crash could lose committed entries; refusing to store a ledger there")
        }
        if settings.commit == "off" {
            try await connection.query("SET synchronous_commit = on", logger: logger)
        }
    }

    /// Runs `body` between BEGIN and COMMIT; rolls back if it throws. If the rollback itself fails the connection
    /// is closed, so the pool never hands out a connection stuck in a failed transaction. A COMMIT that fails
    /// leaves the outcome unknown: reported as `.unavailable` so that the caller reloads the head from the store.
    static func transaction<T: Sendable>(
        _ connection: PostgresConnection, options: PostgresStoreOptions, logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            do { try await connection.query("ROLLBACK", logger: logger) } catch { try? await connection.close() }
            throw error
        }
        try await commit(connection, options: options, logger: logger)
        return result
    }

    /// COMMITs the open transaction. A COMMIT that fails leaves the outcome unknown: the connection is closed and
    /// the failure reported as `.unavailable`, so that the caller reloads the head from the store.
    static func commit(_ connection: PostgresConnection, options: PostgresStoreOptions, logger: Logger)
        async throws {
        do {
            try await connection.query("COMMIT", logger: logger)
        } catch {
            try? await connection.close()
            let cause = PostgresFailure.map(error, doing: "COMMIT", options: options)
            throw LogStoreError(.unavailable, "the outcome is unknown (reload the head): \(cause.reason)")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}

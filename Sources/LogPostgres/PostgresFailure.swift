import Log
import PostgresNIO

/// Turns what postgres-nio throws into the `LogStoreError` codes of the store contract, with messages an operator
/// can act on: where the server is, what the store was doing, the SQLSTATE and the server's own words.
///
/// postgres-nio's `PSQLError.description` is deliberately generic (it may not leak query data); the details
/// come from its fields instead. Bound values are never quoted: entries are public, but passwords are not
/// bound anywhere, and the messages stay short.
enum PostgresFailure {
    /// SQLSTATEs (https://www.postgresql.org/docs/15/errcodes-appendix.html) the store gives a meaning to.
    enum SQLState {
        static let uniqueViolation = "23505"
        static let checkViolation = "23514"
        static let serializationFailure = "40001"
        static let deadlockDetected = "40P01"
        static let lockNotAvailable = "55P03"
        static let duplicateSchema = "42P06"
        static let undefinedTable = "42P01"
        static let invalidSchemaName = "3F000"
        static let insufficientPrivilege = "42501"
    }

    /// The SQLSTATE of a server error, nil for client-side and connection errors.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// `error` (thrown while `doing`) as a contract error. A `LogStoreError` passes through unchanged.
    static func map(_ error: any Error, doing: String, options: PostgresStoreOptions) -> LogStoreError {
        if let error = error as? LogStoreError { return error }
        if error is CancellationError { return LogStoreError(.unavailable, "\(doing): cancelled") }
        let place = "PostgreSQL at \(options.endpoint) (database \(options.database), schema \(options.schema))"
        guard let psql = error as? PSQLError else {
            return LogStoreError(.unavailable, "\(doing) failed on \(place): \(error)")
        }
        if let info = psql.serverInfo {
            let state = info[.sqlState] ?? "?????"
            var words = info[.message] ?? "no message"
            if let detail = info[.detail] { words += " (\(detail))" }
            let reason = "\(doing) failed on \(place): SQLSTATE \(state): \(words)"
            switch state {
            case SQLState.serializationFailure, SQLState.deadlockDetected:
                return LogStoreError(.conflict, reason)
            case SQLState.uniqueViolation, SQLState.checkViolation:
                return LogStoreError(.corrupt, reason)
            case SQLState.undefinedTable, SQLState.invalidSchemaName:
                return LogStoreError(.corrupt, reason + " — the schema is missing or not a CertLedger log")
            default:
                return LogStoreError(.unavailable, reason)
            }
        }
        return LogStoreError(.unavailable, "\(doing) failed: \(connectionReason(psql, options: options))")
    }

    /// "cannot reach PostgreSQL at host:port as user: connection refused (…)" from a client-side `PSQLError`.
    static func connectionReason(_ error: PSQLError, options: PostgresStoreOptions) -> String {
        var reason = "cannot reach PostgreSQL at \(options.endpoint) (database \(options.database), user "
            + "\(options.user)): \(error.code)"
        if let underlying = error.underlying { reason += ": \(underlying)" }
        return reason
    }
}

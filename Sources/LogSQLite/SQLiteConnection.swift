import CSQLite
import Log
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libsqlite3 connection and its prepared-statement cache.
///
/// Not thread-safe on purpose: it is opened with `SQLITE_OPEN_NOMUTEX` and lives inside exactly one
/// `SQLiteWorker`, whose serial queue is the only code that ever touches it (https://sqlite.org/threadsafe.html,
/// "multi-thread" mode: safe as long as no connection is used by two threads at once).
package final class SQLiteConnection {
    let handle: OpaquePointer
    package let path: String
    /// SQL text → prepared statement; statements are compiled once per connection (SQLITE_PREPARE_PERSISTENT).
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens `path` with `flags` (never `SQLITE_OPEN_CREATE` unless the caller is `create`, which made the file).
    package init(path: String, flags: Int32, busyTimeoutMilliseconds: Int32) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw Self.mapError(rc, message: message, context: "cannot open log store at \(path)")
        }
        self.handle = db
        self.path = path
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit {
        statements.removeAll()   // finalizes every cached statement before the handle goes
        sqlite3_close_v2(handle)
    }

    /// Runs `sql` (no parameters, no result rows wanted), e.g. DDL or a PRAGMA that sets something.
    package func exec(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, "\(sql.prefix(60))") }
    }

    /// Steps `sql` with `values` bound, calling `row` for each result row; returns `sqlite3_changes`.
    @discardableResult
    package func run(_ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteRow) throws -> Void = { _ in }) throws
        -> Int
    {
        try run(prepared(sql), values, row: row)
    }

    /// The same for a statement from `prepared(_:)`, for loops that would otherwise look it up once per row.
    @discardableResult
    func run(_ statement: SQLiteStatement, _ values: [SQLiteValue], row: (SQLiteRow) throws -> Void = { _ in })
        throws -> Int
    {
        defer { statement.reset() }
        let bindRC = statement.bind(values)
        guard bindRC == SQLITE_OK else { throw error(bindRC, "binding \(statement.sql.prefix(60))") }
        while true {
            let rc = sqlite3_step(statement.handle)
            if rc == SQLITE_DONE { return Int(sqlite3_changes(handle)) }
            guard rc == SQLITE_ROW else { throw error(rc, "\(statement.sql.prefix(60))") }
            try row(SQLiteRow(statement: statement.handle))
        }
    }

    /// The first column of the first row of a PRAGMA (or any query) as text; nil if there is no row.
    package func scalarText(_ sql: String) throws -> String? {
        var value: String?
        try run(sql) { row in if value == nil, !row.isNull(0) { value = row.text(0) } }
        return value
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` (or a deferred read transaction), rolling back on any throw.
    ///
    /// IMMEDIATE takes the write lock up front, so two processes on one file queue on the busy timeout instead of
    /// both reading the size and then failing to upgrade (https://sqlite.org/lang_transaction.html).
    package func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try run(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            // COMMIT may itself fail (disk full, I/O error); SQLite may already have rolled back.
            if sqlite3_get_autocommit(handle) == 0 { _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }

    /// The cached statement for `sql`, compiled on first use.
    func prepared(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw error(rc, "preparing \(sql.prefix(60))") }
        let statement = SQLiteStatement(handle: raw, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// The store error for result code `rc`, carrying SQLite's own message and what we were doing.
    ///
    /// For failures of the storage itself SQLite's message is generic ("disk I/O error"); what the store finds
    /// about its storage (a read-only or full file system, a file size limit reached: `StorageProbe`) is appended,
    /// which is what an operator needs to read in the log.
    func error(_ rc: Int32, _ context: String) -> LogStoreError {
        var message = String(cString: sqlite3_errmsg(handle))
        let primary = rc & 0xff
        if [SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM].contains(primary) {
            let system = sqlite3_system_errno(handle)
            if system != 0 { message += "; the system says: \(String(cString: strerror(system)))" }
            if let found = StorageProbe.explain(storeAt: path) { message += "; \(found)" }
        }
        return Self.mapError(rc, message: message, context: "\(path): \(context)")
    }

    /// Maps a result code to the store's error codes (https://sqlite.org/rescode.html).
    ///
    /// The storage refusing (full, I/O error, read-only, locked past the busy timeout, cannot open) is
    /// `.unavailable`: retrying later may succeed. A file that is not a database, or whose tables are not ours
    /// (`SQLITE_ERROR` from our fixed SQL means a missing table or column), is `.corrupt`: retrying never helps.
    static func mapError(_ rc: Int32, message: String, context: String) -> LogStoreError {
        let primary = rc & 0xff
        let reason = "\(context): \(message) (sqlite code \(rc))"
        switch primary {
        case SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_FORMAT, SQLITE_ERROR, SQLITE_SCHEMA, SQLITE_MISMATCH:
            return LogStoreError(.corrupt, reason)
        case SQLITE_CONSTRAINT:
            // Every insert happens after the size check in the same write transaction, so a duplicate or a
            // failed CHECK means the stored rows disagree with the stored size.
            return LogStoreError(.corrupt, "stored rows contradict the stored size: \(reason)")
        default:
            // SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN, SQLITE_PERM,
            // SQLITE_NOMEM, …
            return LogStoreError(.unavailable, reason)
        }
    }
}

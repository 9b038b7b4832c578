import CSQLite
import Log
import Foundation
import Synchronization

/// A throw-away key-value file for work that must not hold everything in memory (the audit's registry state,
/// `RegistryState.spill`). Rows are bytes by (table number, key). The file is created fresh in `folder`, used by
/// one owner at a time, and deleted on `close()` or when the scratch is dropped.
///
/// Nothing here needs to survive a crash, so it is written with `journal_mode=OFF` and `synchronous=OFF`, and its
/// page cache is capped (`cachePages`) so that the process's memory stays flat however big the file grows: the
/// operating system's file cache, not the heap, keeps the hot pages.
public final class SQLiteScratch: @unchecked Sendable {
    /// The file (removed by `close()`).
    public let path: String
    private let connection: Mutex<SQLiteConnection?>

    /// Creates a new scratch file in `folder` (nil: the temporary folder, `TMPDIR`). `cacheKiB` bounds SQLite's own page
    /// cache (default 8 MiB).
    public init(folder: String? = nil, cacheKiB: Int = 8_192) throws {
        let path = ((folder ?? NSTemporaryDirectory()) as NSString).appendingPathComponent("certledger-scratch-\(UUID().uuidString).sqlite")
        let connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                              busyTimeoutMilliseconds: 0)
        do {
            try connection.exec("PRAGMA journal_mode=OFF")
            try connection.exec("PRAGMA synchronous=OFF")
            try connection.exec("PRAGMA locking_mode=EXCLUSIVE")   // one lock for the run, not one per read
            try connection.exec("PRAGMA cache_size=-\(max(64, cacheKiB))")
            try connection.exec("PRAGMA temp_store=FILE")
            try connection.exec("CREATE TABLE rows (tab INTEGER NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, "
                                + "PRIMARY KEY (tab, key)) WITHOUT ROWID")
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        self.path = path
        self.connection = Mutex(connection)
    }

    deinit { close() }

    /// The value of `key` in `table`, nil if there is none.
    ///
    /// The audit's hot path (a read per look-up the state's filter cannot rule out): the statement is bound and
    /// stepped directly, the key bound in place (`SQLITE_STATIC`, it outlives the step) instead of copied.
    public func read(table: Int, key: [UInt8]) throws -> [UInt8]? {
        try connection.withLock { connection in
            guard let connection else { throw Self.closed(path) }
            let select = try connection.prepared(Self.select)
            let statement = select.handle
            // Bindings point into Swift buffers that die with this call: cleared with the reset, never left behind.
            defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
            return try key.withUnsafeBytes { key in
                var rc = sqlite3_bind_int64(statement, 1, Int64(table))
                if rc == SQLITE_OK {
                    rc = sqlite3_bind_blob(statement, 2, Self.address(key), Int32(clamping: key.count), nil)
                }
                guard rc == SQLITE_OK else { throw connection.error(rc, "binding a scratch read") }
                rc = sqlite3_step(statement)
                if rc == SQLITE_DONE { return nil }
                guard rc == SQLITE_ROW else { throw connection.error(rc, "reading the scratch file") }
                return SQLiteRow(statement: statement).blob(0)
            }
        }
    }

    /// Upserts (or, for nil values, deletes) `rows` in one transaction.
    public func write(table: Int, rows: [(key: [UInt8], value: [UInt8]?)]) throws {
        try connection.withLock { connection in
            guard let connection else { throw Self.closed(path) }
            let upsert = try connection.prepared(Self.upsert)
            let delete = try connection.prepared(Self.delete)
            try connection.transaction(immediate: true) {
                for row in rows {
                    // Bound in place (SQLITE_STATIC: the bytes outlive the step), as in `read`.
                    let statement = row.value == nil ? delete.handle : upsert.handle
                    defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
                    let rc = try row.key.withUnsafeBytes { key in
                        try (row.value ?? []).withUnsafeBytes { value in
                            var rc = sqlite3_bind_int64(statement, 1, Int64(table))
                            if rc == SQLITE_OK {
                                rc = sqlite3_bind_blob(statement, 2, Self.address(key), Int32(clamping: key.count), nil)
                            }
                            if rc == SQLITE_OK, row.value != nil {
                                rc = sqlite3_bind_blob(statement, 3, Self.address(value), Int32(clamping: value.count),
                                                       nil)
                            }
                            guard rc == SQLITE_OK else { throw connection.error(rc, "binding a scratch write") }
                            return sqlite3_step(statement)
                        }
                    }
                    guard rc == SQLITE_DONE else { throw connection.error(rc, "writing the scratch file") }
                }
            }
        }
    }

    /// Closes and deletes the file. Idempotent.
    public func close() {
        let open = connection.withLock { connection -> Bool in
            defer { connection = nil }
            return connection != nil
        }
        if open { try? FileManager.default.removeItem(atPath: path) }
    }

    private static let select = "SELECT value FROM rows WHERE tab = ? AND key = ?"
    private static let upsert = "INSERT INTO rows (tab, key, value) VALUES (?, ?, ?) "
        + "ON CONFLICT (tab, key) DO UPDATE SET value = excluded.value"
    private static let delete = "DELETE FROM rows WHERE tab = ? AND key = ?"

    /// Where bytes to bind start; an empty buffer has no address, and a nil pointer would bind NULL, not an empty
    /// blob, so any non-nil address stands in (SQLite reads none of its zero bytes).
    private static func address(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
    }

    private static func closed(_ path: String) -> LogStoreError {
        LogStoreError(.unavailable, "the scratch file \(path) is closed")
    }
}

import CSQLite
import Log

/// A value bound to a `?` parameter. Only the three storage classes the schema uses.
package enum SQLiteValue {
    case integer(Int64)
    case blob([UInt8])
    case text(String)
    case null
}

/// One prepared statement, owned by the `SQLiteConnection` that caches it and confined to that connection's queue.
///
/// Every use ends with `reset()`: a statement left mid-step would hold its read snapshot open in WAL mode and stop
/// checkpoints from ever reclaiming the WAL (https://sqlite.org/wal.html §"Avoiding Excessively Large WAL Files").
final class SQLiteStatement {
    let handle: OpaquePointer
    let sql: String

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values` to parameters 1…n; returns the first failing result code, or `SQLITE_OK`.
    func bind(_ values: [SQLiteValue]) -> Int32 {
        for (offset, value) in values.enumerated() {
            let position = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .integer(let number):
                rc = sqlite3_bind_int64(handle, position, number)
            case .blob(let bytes) where bytes.isEmpty:
                // A nil pointer would bind NULL; an empty entry is a zero-length blob, not a missing one.
                rc = sqlite3_bind_zeroblob(handle, position, 0)
            case .blob(let bytes):
                // Entries are ≤ 65,535 bytes and tiles ≤ 8 KiB, far inside Int32; TRANSIENT makes SQLite copy.
                rc = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(handle, position, raw.baseAddress, Int32(clamping: raw.count),
                        certledger_sqlite_transient())
                }
            case .text(let string):
                rc = sqlite3_bind_text(handle, position, string, -1, certledger_sqlite_transient())
            case .null:
                rc = sqlite3_bind_null(handle, position)
            }
            if rc != SQLITE_OK { return rc }
        }
        return SQLITE_OK
    }

    /// Returns the statement to its initial state and drops its bindings and read snapshot.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }
}

/// The current result row of a stepping statement; valid only inside the row callback.
package struct SQLiteRow {
    let statement: OpaquePointer

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    package func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column's bytes; a zero-length blob reads back as `[]` (SQLite hands back a NULL pointer for it).
    package func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let base = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    package func text(_ column: Int32) -> String {
        guard let base = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: base)
    }
}

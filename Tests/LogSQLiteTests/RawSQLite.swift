import CSQLite
import Foundation

/// Direct libsqlite3 access for tests that must build foreign or damaged files behind the store's back.
func rawSQLite(_ path: String, _ sql: String) throws {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
        sqlite3_close_v2(db)
        throw RawSQLiteError(message: "cannot open \(path)")
    }
    defer { sqlite3_close_v2(db) }
    guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
        throw RawSQLiteError(message: String(cString: sqlite3_errmsg(db)))
    }
}

struct RawSQLiteError: Error {
    let message: String
}

/// The first `count` bytes of a file (the SQLite header: https://sqlite.org/fileformat2.html §1.3).
func fileHeader(_ path: String, count: Int = 100) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(count))
}

import Foundation
import Log
import LogSQLite
import LogStoreContract

/// A fresh directory under the system temp folder, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// Contract harnesses over SQLite files in `directory`: a new file per store; `reopening` makes the suite close
/// each store and open its file again before reading back, as a restarted daemon would.
func sqliteHarness(in directory: String, reopening: Bool) -> LogStoreContract.Harness {
    LogStoreContract.Harness(
        makeStore: { try await SQLiteLogStore.create(path: "\(directory)/\(UUID().uuidString).sqlite") },
        reopen: { store in
            guard reopening else { return store }
            guard let sqlite = store as? SQLiteLogStore else { throw LogStoreError(.corrupt, "not an SQLite store") }
            await sqlite.close()
            return try await SQLiteLogStore.open(path: sqlite.path)
        }
    )
}

/// Runs one contract check against SQLite in a temporary directory.
func runSQLiteContract(_ check: LogStoreContract.Check, reopening: Bool = false) async throws {
    try await withTemporaryDirectory { directory in
        try await LogStoreContract.run(check, sqliteHarness(in: directory, reopening: reopening))
    }
}

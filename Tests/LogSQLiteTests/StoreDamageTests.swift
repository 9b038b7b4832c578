import CSQLite
import Foundation
import Testing
import Log
@testable import LogSQLite

/// Issue #8 item 3, a damaged store file: cut mid-page, or a page overwritten with garbage. Opening it — for
/// writing (the daemon) or reading (the audit) — is refused as `.corrupt` naming the file, and `certledger audit`
/// fails it with exit 1 and the reason. The old-checkpoint page case is the bug these tests came with: no start-up
/// check and no audit step read old checkpoints, so the damage went unnoticed until `PRAGMA quick_check` at open.
@Suite(.serialized) struct StoreDamageTests {
    let cli = AuditCommandTests()

    /// The first integer of the first row of `sql` on `path`.
    func integer(_ path: String, _ sql: String) throws -> Int64 {
        var db: OpaquePointer?
        defer { sqlite3_close_v2(db) }
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            throw RawSQLiteError(message: "cannot open \(path)")
        }
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK,
              sqlite3_step(statement) == SQLITE_ROW else {
            throw RawSQLiteError(message: String(cString: sqlite3_errmsg(db)))
        }
        return sqlite3_column_int64(statement, 0)
    }

    /// A log of a few hundred entries, its WAL folded into the file so that damage hits committed pages.
    func makeLog() async throws -> String {
        let folder = cli.temporaryFolder()
        try await cli.makeLog(folder)
        let store = folder + "/log.sqlite"
        _ = try integer(store, "PRAGMA wal_checkpoint(TRUNCATE)")
        return folder
    }

    /// The page number (1-based) of a leaf page of `table`, from SQLite's dbstat table.
    func leafPage(_ store: String, _ table: String) throws -> Int64 {
        try integer(store, "SELECT pageno FROM dbstat WHERE name = '\(table)' AND pagetype = 'leaf' ORDER BY pageno")
    }

    func overwritePage(_ store: String, _ page: Int64) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: store))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(page - 1) * 4096)
        try handle.write(contentsOf: (0..<4096).map { _ in UInt8.random(in: 0...255) })
    }

    func expectRefused(_ folder: String) async throws {
        let store = folder + "/log.sqlite"
        for readOnly in [false, true] {
            do {
                let opened = readOnly ? try await SQLiteLogStore.openReadOnly(path: store)
                    : try await SQLiteLogStore.open(path: store)
                await opened.close()
                Issue.record("a damaged store was opened (read-only: \(readOnly))")
            } catch let error as LogStoreError {
                #expect(error.code == .corrupt, "\(error)")
                #expect(error.reason.contains(store), "\(error)")
            }
        }
        let (status, out, err) = try await cli.run("certledger", ["audit", "--log-only", "--data", folder,
                                                                  "--verifier-key", "@" + folder + "/checkpoint.vkey"])
        #expect(status == 1, "\(out) \(err)")
        #expect((out + err).contains("FAILED") && (out + err).contains("damaged"), "\(out) \(err)")
    }

    @Test func storeTruncatedMidPage_isRefusedAtOpen_andFailsTheAudit() async throws {
        let folder = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = folder + "/log.sqlite"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: store)[.size] as? Int)
        #expect(truncate(store, off_t(size / 2 + 1_234)) == 0)
        try await expectRefused(folder)
    }

    @Test func garbageOverAnEntriesPage_isRefusedAtOpen_andFailsTheAudit() async throws {
        let folder = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try overwritePage(folder + "/log.sqlite", try leafPage(folder + "/log.sqlite", "entries"))
        try await expectRefused(folder)
    }

    @Test func garbageOverAnOldCheckpointPage_isRefusedAtOpen_andFailsTheAudit() async throws {
        let folder = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try overwritePage(folder + "/log.sqlite", try leafPage(folder + "/log.sqlite", "checkpoints"))
        try await expectRefused(folder)
    }

    @Test func storageProbe_writesInAHealthyFolder_andReportsAMissingOne() throws {
        #expect(StorageProbe.probeWrite(in: NSTemporaryDirectory()) == nil)
        #expect(StorageProbe.probeWrite(in: "/nonexistent-\(UUID())") == ENOENT)
        let missing = "/nonexistent-\(UUID())/log.sqlite"
        #expect(StorageProbe.explain(storeAt: missing)?.contains("No such file or directory") == true)
    }
}

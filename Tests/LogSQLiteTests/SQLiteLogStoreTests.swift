import Foundation
import Testing
import Log
@testable import LogSQLite
import LogStoreContract
import CSQLite

/// What only the SQLite store promises: its durability settings, explicit creation, refusing foreign files,
/// read-only mode, and compare-and-swap between two store instances on one file.
@Suite struct SQLiteLogStoreTests {
    @Test func writer_readsBackSynchronousFullAndWAL() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            let created = try await SQLiteLogStore.create(path: path)
            let expected = SQLiteLogStore.Settings(journalMode: "wal", synchronous: "FULL", foreignKeys: true)
            #expect(try await created.settings() == expected)
            await created.close()
            let reopened = try await SQLiteLogStore.open(path: path)
            #expect(try await reopened.settings() == expected)
            // WAL is persistent and visible in the file header itself: read and write versions 2 (bytes 18, 19).
            let header = try fileHeader(path)
            #expect(header[18] == 2 && header[19] == 2)
            // application_id "CLed" at bytes 68–71, big-endian.
            #expect(Array(header[68..<72]) == Array("CLed".utf8))
        }
    }

    @Test func create_onExistingPath_failsAndLeavesFileAlone() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            let store = try await SQLiteLogStore.create(path: path)
            try await store.append(ContractData.batch(firstIndex: 0, lengths: [10], tag: "kept"))
            await #expect(throws: LogStoreError.self) { _ = try await SQLiteLogStore.create(path: path) }
            let other = "\(directory)/notes.txt"
            try Data("not a ledger".utf8).write(to: URL(fileURLWithPath: other))
            let error = await #expect(throws: LogStoreError.self) { _ = try await SQLiteLogStore.create(path: other) }
            #expect(error?.code == .conflict)
            #expect(error?.reason.contains(other) == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == Data("not a ledger".utf8))
            #expect(try await store.head()?.size == 1)
        }
    }

    @Test func open_onMissingPath_failsNamingItAndCreatesNothing() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/typo.sqlite"
            for attempt in [SQLiteLogStore.open, SQLiteLogStore.openReadOnly] {
                let error = await #expect(throws: LogStoreError.self) { _ = try await attempt(path, .init()) }
                #expect(error?.code == .unavailable)
                #expect(error?.reason.contains(path) == true)
                #expect(!FileManager.default.fileExists(atPath: path))
            }
        }
    }

    @Test func open_refusesForeignSQLiteFileUntouched() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/other.sqlite"
            try rawSQLite(path, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let error = await #expect(throws: LogStoreError.self) { _ = try await SQLiteLogStore.open(path: path) }
            #expect(error?.code == .corrupt)
            #expect(error?.reason.contains("not a CertLedger log") == true)
            // Refused before any PRAGMA could switch it to WAL or otherwise write to it.
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            let readOnly = await #expect(throws: LogStoreError.self) {
                _ = try await SQLiteLogStore.openReadOnly(path: path)
            }
            #expect(readOnly?.code == .corrupt)
        }
    }

    @Test func open_refusesFileThatIsNotADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/ledger.sqlite"
            try Data(repeating: 0x41, count: 4_096).write(to: URL(fileURLWithPath: path))
            let error = await #expect(throws: LogStoreError.self) { _ = try await SQLiteLogStore.open(path: path) }
            #expect(error?.code == .corrupt)
        }
    }

    @Test func open_refusesNewerSchemaVersion() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            try await SQLiteLogStore.create(path: path).close()
            try rawSQLite(path, "PRAGMA user_version = 2")
            let error = await #expect(throws: LogStoreError.self) { _ = try await SQLiteLogStore.open(path: path) }
            #expect(error?.code == .corrupt)
            #expect(error?.reason.contains("schema version 2") == true)
        }
    }

    @Test func open_refusesEntriesBeyondHeadCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            let store = try await SQLiteLogStore.create(path: path)
            try await store.append(ContractData.batch(firstIndex: 0, lengths: [10, 11], tag: "two"))
            await store.close()
            try rawSQLite(path, "INSERT INTO entries (idx, data) VALUES (2, x'00')")
            let error = await #expect(throws: LogStoreError.self) { _ = try await SQLiteLogStore.open(path: path) }
            #expect(error?.code == .corrupt)
            #expect(error?.reason.contains("entries reach index 3 but the head checkpoint is for size 2") == true)
        }
    }

    @Test func readOnlyStore_readsButRefusesWrites_andSeesLaterCommits() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            let writer = try await SQLiteLogStore.create(path: path)
            let first = ContractData.batch(firstIndex: 0, lengths: [10, 20], tag: "first")
            try await writer.append(first)
            let auditor = try await SQLiteLogStore.openReadOnly(path: path)
            #expect(auditor.isReadOnly && !writer.isReadOnly)
            #expect(try await auditor.entries(0..<2) == first.entries)
            let append = await #expect(throws: LogStoreError.self) {
                try await auditor.append(ContractData.batch(firstIndex: 2, lengths: [1], tag: "auditor"))
            }
            #expect(append?.code == .unavailable)
            let metadata = await #expect(throws: LogStoreError.self) { try await auditor.setMetadata("origin", "x") }
            #expect(metadata?.code == .unavailable)
            // WAL: the auditor's next read sees what the writer committed since.
            let second = ContractData.batch(firstIndex: 2, lengths: [30], tag: "second")
            try await writer.append(second)
            #expect(try await auditor.head() == LogHead(size: 3, checkpoint: second.checkpoint))
            // And with no writer left at all (its close removed the WAL), a new auditor still opens and reads.
            await writer.close()
            await auditor.close()
            let later = try await SQLiteLogStore.openReadOnly(path: path)
            #expect(try await later.entries(0..<3) == first.entries + second.entries)
        }
    }

    /// Entries are inserted before tiles, so a tile that fails to bind (index ≥ 2^63 does not fit SQLite's INTEGER)
    /// fails the batch mid-transaction: the rollback must take the already-inserted entries with it.
    @Test func append_failingMidTransaction_rollsBackEverything() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            let store = try await SQLiteLogStore.create(path: path)
            let first = ContractData.batch(firstIndex: 0, lengths: [10], tag: "first")
            try await store.append(first)
            let doomed = LogBatch(firstIndex: 1, entries: [[1], [2], [3]],
                tiles: [TileKey(level: 0, index: UInt64(Int64.max) + 1): [0]],
                checkpoint: ContractData.checkpoint(size: 4, tag: "doomed"))
            let error = await #expect(throws: LogStoreError.self) { try await store.append(doomed) }
            #expect(error?.code == .outOfRange)
            await store.close()
            let reopened = try await SQLiteLogStore.open(path: path)
            #expect(try await reopened.head() == LogHead(size: 1, checkpoint: first.checkpoint))
            #expect(try await reopened.checkpoint(size: 4) == nil)
            let next = ContractData.batch(firstIndex: 1, lengths: [20, 21], tag: "next")
            try await reopened.append(next)
            #expect(try await reopened.entries(0..<3) == first.entries + next.entries)
        }
    }

    @Test func closedStore_failsUnavailable() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteLogStore.create(path: "\(directory)/log.sqlite")
            await store.close()
            let error = await #expect(throws: LogStoreError.self) { _ = try await store.head() }
            #expect(error?.code == .unavailable)
            await #expect(throws: LogStoreError.self) {
                try await store.append(ContractData.batch(firstIndex: 0, lengths: [1], tag: "late"))
            }
        }
    }

    /// Two store instances (two writer connections, as two processes would have) race on one file.
    @Test func twoStoresOnOneFile_compareAndSwapHolds() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            try await SQLiteLogStore.create(path: path).close()
            let stores = [try await SQLiteLogStore.open(path: path), try await SQLiteLogStore.open(path: path)]
            let racers = (0..<6).map { ContractData.batch(firstIndex: 0, lengths: [5, 6], tag: "racer \($0)") }
            let won = await withTaskGroup(of: Bool.self) { group in
                for (number, batch) in racers.enumerated() {
                    group.addTask { (try? await stores[number % 2].append(batch)) != nil }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(won == 1)
            // Then 4 appenders per store, each retrying on conflict until it has added 5 batches.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for appender in 0..<8 {
                    group.addTask {
                        var done = 0
                        while done < 5 {
                            let store = stores[appender % 2]
                            let start = try await store.head()?.size ?? 0
                            let batch = ContractData.batch(firstIndex: start, lengths: [7],
                                tag: "a\(appender) b\(done)")
                            do { try await store.append(batch); done += 1 }
                            catch let error as LogStoreError where error.code == .conflict {}
                        }
                    }
                }
                try await group.waitForAll()
            }
            let check = try await SQLiteLogStore.openReadOnly(path: path)
            let size = try #require(try await check.head()?.size)
            #expect(size == 2 + 8 * 5)
            #expect(try await check.entries(0..<size).count == Int(size))
            // Every batch end has its checkpoint: 1 racer batch + 40 single-entry batches, no gap, no overlap.
            for end in 2...size { #expect(try await check.checkpoint(size: end) != nil) }
        }
    }

    @Test func sqliteErrors_mapToStoreCodes() {
        let cases: [(Int32, LogStoreError.Code)] = [
            (SQLITE_FULL, .unavailable), (SQLITE_IOERR, .unavailable), (SQLITE_IOERR | (4 << 8), .unavailable),
            (SQLITE_READONLY, .unavailable), (SQLITE_BUSY, .unavailable), (SQLITE_CANTOPEN, .unavailable),
            (SQLITE_CORRUPT, .corrupt), (SQLITE_NOTADB, .corrupt), (SQLITE_CONSTRAINT, .corrupt),
        ]
        for (rc, code) in cases {
            let error = SQLiteConnection.mapError(rc, message: "database or disk is full", context: "/x/log.sqlite")
            #expect(error.code == code, "sqlite code \(rc)")
            #expect(error.reason.contains("database or disk is full") && error.reason.contains("/x/log.sqlite"))
        }
    }
}

import CSQLite
import Foundation
import LedgerCrypto
import LedgerServer
import Log
import Logging
import LogSQLite
import SignedNote
import Testing
import LogStoreContract

/// Storage damage never goes unseen and no index is ever given twice: the record of the last published checkpoint
/// (kept apart from the store) refuses a store that lost acknowledged entries or holds another history at start,
/// and the background verification finds what the start-up check does not read (an entry's time, chain or place).
@Suite(.serialized) struct StoreIntegrityTests {
    /// Runs `sql` on the SQLite file at `path`, behind the store's back.
    func raw(_ path: String, _ sql: String) throws {
        var db: OpaquePointer?
        defer { sqlite3_close_v2(db) }
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK,
              sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw DaemonProcessError("sqlite: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    /// Opens the ledger of `config` as the daemon does; the refusal if it refuses.
    func open(_ config: ServerConfig) async throws -> Result<LedgerLog, LedgerServerError> {
        do {
            return .success(try await LedgerLog.open(config: config, logger: quietLogger("test")))
        } catch let error as LedgerServerError {
            return .failure(error)
        }
    }

    /// A copy of a running ledger's folder as a crash would leave it: the database, its WAL and the record.
    func crashCopy(of log: TestLedger) throws -> ServerConfig {
        let copy = log.folder + "-copy"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: log.folder) where !name.hasSuffix("-shm") {
            try FileManager.default.copyItem(atPath: log.folder + "/" + name, toPath: copy + "/" + name)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy + "/" + name)
        }
        var config = log.config
        config.data = copy
        return config
    }

    /// The daemon binary, as an operator meets it: a clean stop leaves no WAL behind, and after the store was
    /// wiped the daemon refuses to start (exit 2) naming both sizes, instead of sequencing from index 0 again.
    @Test func daemon_cleanStopFoldsTheWAL_andAWipedStoreStopsItsStart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledgerd-wipe-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        _ = try await first.waitForPort()
        #expect(try await first.signal(SIGTERM) == 0)
        let store = folder + "/dev-ledger/log.sqlite"
        let wal = (try? FileManager.default.attributesOfItem(atPath: store + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "a clean stop leaves \(wal) bytes of WAL")
        #expect(FileManager.default.fileExists(atPath: folder + "/dev-ledger/published-checkpoint"))

        try raw(store, "DELETE FROM entries; DELETE FROM tiles; DELETE FROM checkpoints;")
        let second = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        #expect(try await second.waitForExit() == 2)
        // The published checkpoint is the development ledger's: genesis, 9 departments, two batches' map roots.
        #expect(second.standardError.contains("holds 0 entries") && second.standardError.contains("size 12"),
                "\(second.standardError)")
    }

    @Test func everyStoredBatch_isRecordedOutsideTheStore_beforeItIsAcknowledged() async throws {
        let log = try await TestLedger.make(entries: 150, batch: 40)
        defer { log.remove() }
        let record = CheckpointRecord(path: log.config.resolve(log.config.store.publishedCheckpoint))
        let recorded = try #require(try record.read(verifier: log.verifier))
        #expect(recorded.checkpoint.size == 150)
        #expect(recorded.bytes == log.ledger.sequencer.head.checkpoint)
    }

    @Test func wipedStore_isRefusedAtStart_namingBothSizes() async throws {
        let log = try await TestLedger.make(entries: 120)
        defer { log.remove() }
        await log.ledger.close()
        try raw(log.config.resolve(log.config.store.sqlite),
                "DELETE FROM entries; DELETE FROM tiles; DELETE FROM checkpoints;")
        guard case .failure(let error) = try await open(log.config) else {
            Issue.record("a wiped store was served")
            return
        }
        #expect(error.field == "store.publishedCheckpoint", "\(error)")
        #expect(error.reason.contains("holds 0 entries") && error.reason.contains("size 120"), "\(error)")
    }

    @Test func rolledBackStore_isRefused_butAnOlderRecordIsExtended() async throws {
        let log = try await TestLedger.make(entries: 90, batch: 30)
        defer { log.remove() }
        await log.ledger.close()
        let store = log.config.resolve(log.config.store.sqlite)
        let published = log.config.resolve(log.config.store.publishedCheckpoint)
        // An old record (size 60, as a backup of the record file would hold) against the whole store: fine.
        let reopened = try await SQLiteLogStore.open(path: store)
        let at60 = try #require(try await reopened.checkpoint(size: 60))
        await reopened.close()
        let full = try #require(try CheckpointRecord(path: published).read(verifier: log.verifier))
        #expect(full.checkpoint.size == 90)
        try CheckpointRecord(path: published).write(at60)
        guard case .success(let opened) = try await open(log.config) else {
            Issue.record("a store that extends the record was refused")
            return
        }
        await opened.close()
        // The store rolled back to 60 entries under a record of 90: refused.
        try CheckpointRecord(path: published).write(full.bytes)
        try raw(store, "DELETE FROM entries WHERE idx >= 60; DELETE FROM checkpoints WHERE size > 60;")
        guard case .failure(let error) = try await open(log.config) else {
            Issue.record("a rolled-back store was served")
            return
        }
        #expect(error.reason.contains("holds 60 entries") && error.reason.contains("size 90"), "\(error)")
    }

    /// A record signed with the ledger's own key (stolen, or a second history) whose tree the store does not
    /// contain: at the same size with another root, and at a smaller size with a root no consistency proof reaches.
    @Test func recordOfAnotherHistory_signedWithTheLedgersOwnKey_isRefused() async throws {
        let log = try await TestLedger.make(entries: 40)
        defer { log.remove() }
        await log.ledger.close()
        let keyText = try String(contentsOfFile: log.config.resolve(log.config.keys.checkpoint), encoding: .utf8)
        let signer = try Ed25519NoteSigner(signerKey: keyText.trimmingCharacters(in: .whitespacesAndNewlines))
        let record = CheckpointRecord(path: log.config.resolve(log.config.store.publishedCheckpoint))
        for size in [UInt64(40), 30] {
            let otherRoot = try #require(Hash256(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) }))
            let forged = try SignedCheckpoint.sign(
                try Checkpoint(origin: signer.name, size: size, rootHash: otherRoot), with: signer)
            try record.write(forged.bytes)
            guard case .failure(let error) = try await open(log.config) else {
                Issue.record("a store that does not contain the published tree of size \(size) was served")
                continue
            }
            #expect(error.reason.contains("does not extend the published checkpoint of size \(size)"), "\(error)")
        }
        // A record that is no checkpoint of this ledger at all: refused as unusable, not ignored.
        try record.write(Array("not a checkpoint\n".utf8))
        guard case .failure(let error) = try await open(log.config) else {
            Issue.record("a damaged record was ignored")
            return
        }
        #expect(error.field == "store.publishedCheckpoint" && error.reason.contains("unusable"), "\(error)")
    }

    @Test func damagedWAL_thatDropsAcknowledgedFrames_isRefusedAtStart() async throws {
        let log = try await TestLedger.make(entries: 200, batch: 20)
        defer { log.remove() }
        let config = try crashCopy(of: log)
        defer { try? FileManager.default.removeItem(atPath: config.data) }
        let wal = config.resolve(config.store.sqlite) + "-wal"
        let walSize = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int)
        #expect(walSize > 4_096 * 4, "the crash copy's entries lie in the WAL")
        // One byte in the middle of the WAL: SQLite drops that frame and every later one, silently.
        let handle = try #require(FileHandle(forUpdatingAtPath: wal))
        try handle.seek(toOffset: UInt64(walSize / 2))
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: UInt64(walSize / 2))
        try handle.write(contentsOf: [byte ^ 0x20])
        try handle.close()
        guard case .failure(let error) = try await open(config) else {
            Issue.record("a store that lost its WAL's tail was served")
            return
        }
        #expect(error.reason.contains("size 200") && error.reason.contains("acknowledged entries are missing"),
                "\(error)")
    }

    @Test func cleanClose_foldsTheWALIntoTheDatabase() async throws {
        let log = try await TestLedger.make(entries: 100)
        defer { log.remove() }
        await log.ledger.close()
        let wal = log.config.resolve(log.config.store.sqlite) + "-wal"
        let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(size == 0)
    }

    /// Damage the start-up check does not read (it proves the head only).
    enum Damage: String, CaseIterable, Sendable {
        case backDatedTime, editedPrev, swappedEntriesWithIndexRewritten, damagedFullTile
    }

    /// Applies `damage` around entry 100 of the closed store at `path`; returns the index the verification must
    /// name and a word of its reason.
    func apply(_ damage: Damage, to path: String) async throws -> (UInt64, String) {
        let opened = try await SQLiteLogStore.open(path: path)
        let stored = try await opened.entries(100..<102).map { try LogEntry(bytes: $0) }
        await opened.close()
        func hex(_ entry: LogEntry) -> String { entry.bytes.map { String(format: "%02x", $0) }.joined() }
        func rewrite(_ index: UInt64, _ entry: LogEntry) throws {
            try raw(path, "UPDATE entries SET data = X'\(hex(entry))' WHERE idx = \(index)")
        }
        let (a, b) = (stored[0], stored[1])
        switch damage {
        case .backDatedTime:
            let earlier = Timestamp(millisecondsSinceEpoch: a.time.millisecondsSinceEpoch - 86_400_000)
            try rewrite(100, try LogEntry(index: 100, prev: a.prev, time: earlier, payload: Array(a.payload)))
            return (100, "earlier")
        case .editedPrev:
            try rewrite(100, try LogEntry(index: 100, prev: b.prev, time: a.time, payload: Array(a.payload)))
            return (100, "chain is broken")
        case .swappedEntriesWithIndexRewritten:
            try rewrite(100, try LogEntry(index: 100, prev: b.prev, time: b.time, payload: Array(b.payload)))
            try rewrite(101, try LogEntry(index: 101, prev: a.prev, time: a.time, payload: Array(a.payload)))
            return (100, "chain is broken")
        case .damagedFullTile:
            // Hash 100 of the full level-0 tile 0 (entries 0–255).
            try raw(path, "UPDATE tiles SET data = CAST(substr(data, 1, 3200) || X'\(String(repeating: "00", count: 32))'"
                + " || substr(data, 3233) AS BLOB) WHERE level = 0 AND idx = 0")
            return (100, "differs")
        }
    }

    /// Damage in place that the start-up check does not read: the daemon starts and serves; the background
    /// verification finds it, refuses submissions and turns /healthz and /metrics red, naming the index.
    @Test(arguments: Damage.allCases)
    func damageBelowTheHead_isFoundInTheBackground_submissionsRefused_healthRed(damage: Damage) async throws {
        let log = try await TestLedger.make(entries: 300)
        defer { log.remove() }
        await log.ledger.close()
        let (index, words) = try await apply(damage, to: log.config.resolve(log.config.store.sqlite))

        guard case .success(let ledger) = try await open(log.config) else {
            Issue.record("the start-up check was expected to pass (it reads the head only)")
            return
        }
        await BackgroundVerification(log: ledger, logOnly: true, workPercent: 100, logger: quietLogger("test"))
            .verify()
        let failure = try #require(ledger.integrity.failure)
        #expect(failure.index == index, "\(failure)")
        #expect(failure.reason.contains(words), "\(failure)")
        #expect(ledger.sequencer.haltReason?.contains("index \(index)") == true)
        await #expect(throws: LogError.self) { _ = try await ledger.sequencer.submit([payload(1)]) }

        let served = TestLedger(folder: log.folder, config: log.config, ledger: ledger, metrics: ServerMetrics())
        try await served.withLiveClient { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let text = String(decoding: response.body.bytes, as: UTF8.self)
                #expect(text.contains("\"status\":\"failed\"") && text.contains("\"integrityIndex\":\(index)"), "\(text)")
                #expect(text.contains("index \(index)"), "\(text)")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(decoding: response.body.bytes, as: UTF8.self)
                #expect(metric(text, "certledger_integrity_failed") == 1, "\(text)")
                #expect(metric(text, "certledger_integrity_failed_index") == Double(index), "\(text)")
            }
        }
        await ledger.close()
    }

    @Test func untouchedStore_passesTheBackgroundVerification() async throws {
        let log = try await TestLedger.make(entries: 300)
        defer { log.remove() }
        await BackgroundVerification(log: log.ledger, logOnly: true, workPercent: 100, logger: quietLogger("test"))
            .verify()
        guard case .verified(let size, _) = log.ledger.integrity.status else {
            Issue.record("not verified: \(log.ledger.integrity.status)")
            return
        }
        #expect(size == 300)
        #expect(log.ledger.sequencer.haltReason == nil)
    }
}

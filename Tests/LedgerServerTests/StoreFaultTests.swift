import Foundation
import Hummingbird
import LedgerServer
import Log
import Logging
import LogSQLite
import SignedNote
import Synchronization
import Testing
import LogStoreContract

/// A real store whose appends can be made to fail, as a full or read-only disk makes them fail.
final class SwitchableStore: LogStore {
    let store: any LogStore
    /// Guards the switch: the test flips it, the sequencer's appends read it.
    private let failing = Mutex(false)

    init(_ store: any LogStore) { self.store = store }

    func fail(_ on: Bool) { failing.withLock { $0 = on } }

    func append(_ batch: LogBatch) async throws {
        if failing.withLock({ $0 }) {
            throw LogStoreError(.unavailable, "log.sqlite: COMMIT: database or disk is full (sqlite code 13)")
        }
        try await store.append(batch)
    }
    func head() async throws -> LogHead? { try await store.head() }
    func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] { try await store.entries(range) }
    func tile(_ key: TileKey) async throws -> [UInt8]? { try await store.tile(key) }
    func checkpoint(size: UInt64) async throws -> [UInt8]? { try await store.checkpoint(size: size) }
    func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
        try await store.checkpoints(from: size, limit: limit)
    }
    func metadata(_ key: String) async throws -> String? { try await store.metadata(key) }
    func setMetadata(_ key: String, _ value: String) async throws { try await store.setMetadata(key, value) }
}

/// Issue #8 item 3 inside one process: while the store refuses writes nothing is acknowledged, `/healthz` says
/// degraded with the reason (still 200), `/metrics` says `certledger_store_writable 0`, the served checkpoint stays
/// the last durable one, and everything returns to normal by itself with the first batch the store accepts.
@Suite struct StoreFaultTests {
    @Test func storeRefusingWrites_isDegradedInHealthAndMetrics_andRecoversByItself() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledgerd-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = DevelopmentLedger.config(folder: folder)
        config.listen.port = 0
        try await TestLedger.createBareLog(config: config)
        let key = try String(contentsOfFile: config.resolve(config.keys.checkpoint), encoding: .utf8)
        let signer = try Ed25519NoteSigner(signerKey: key.trimmingCharacters(in: .whitespacesAndNewlines))
        let identity = LogIdentity(origin: signer.name, hashAlgorithm: .sha256, verifier: signer.verifier)
        let sqlite = try await SQLiteLogStore.open(path: config.resolve(config.store.sqlite))
        let store = SwitchableStore(sqlite)
        let log = try LedgerLog(store: store, identity: identity, signer: signer,
                                head: try await TreeHead.load(from: store, identity: identity),
                                logger: quietLogger("certledger.sequencer"))
        let metrics = ServerMetrics()
        let sequencer = log.sequencer

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sequencer.run() }
            defer { sequencer.stopIntake() }
            try await withLiveServer({ try buildApplication(config: config, log: log, metrics: metrics,
                                                            logger: quietLogger("test"), onServerRunning: $0) }) {
                client in
                func health() async throws -> (HTTPResponse.Status, String) {
                    try await client.execute(uri: "/healthz", method: .get) {
                        ($0.status, String(decoding: $0.body.bytes, as: UTF8.self))
                    }
                }
                func metricsText() async throws -> String {
                    try await client.execute(uri: "/metrics", method: .get) {
                        String(decoding: $0.body.bytes, as: UTF8.self)
                    }
                }
                _ = try await sequencer.submit([payload(0)])
                #expect(try await health().1.contains(#""status":"ok""#))
                #expect(try await metricsText().contains("certledger_store_writable 1"))

                store.fail(true)
                for i in 1...3 {
                    await #expect(throws: LogError.self) { try await sequencer.submit([payload(i)]) }
                }
                let (status, body) = try await health()
                #expect(status == .ok)
                #expect(body.contains(#""status":"degraded""#))
                #expect(body.contains("file system is full"), "\(body)")
                #expect(body.contains("(3 batches)"), "\(body)")
                let text = try await metricsText()
                #expect(text.contains("certledger_store_writable 0"))
                #expect(text.contains("certledger_store_write_failures_total 3"))
                // The served tree is the last durable one: one entry.
                let note = try await client.execute(uri: "/checkpoint", method: .get) { $0.body.bytes }
                #expect(try SignedCheckpoint(opening: note, logVerifier: signer.verifier).checkpoint.size == 1)
                #expect(log.writes.failure?.failedBatches == 3)

                store.fail(false)
                let after = try await sequencer.submit([payload(4)])
                #expect(after.items[0].entry.index == 1, "a refused batch left a gap or an entry")
                #expect(try await health().1.contains(#""status":"ok""#))
                let recovered = try await metricsText()
                #expect(recovered.contains("certledger_store_writable 1"))
                #expect(recovered.contains("certledger_store_write_failures_total 3"))
            }
            sequencer.stopIntake()
            try await group.waitForAll()
        }
        await sqlite.close()
    }

    @Test func conflictFromAnotherWriter_isNotAStorageFailure() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledgerd-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sqlite = try await SQLiteLogStore.create(path: folder + ".sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: folder + ".sqlite" + suffix)
            }
        }
        let monitor = StoreWriteMonitor(wrapping: sqlite, logger: quietLogger("test"))
        // firstIndex 5 on an empty store: the store refuses it as a conflict (someone else's size).
        await #expect(throws: LogStoreError.self) {
            try await monitor.append(LogBatch(firstIndex: 5, entries: [payload(0)], tiles: [:], checkpoint: [1]))
        }
        #expect(monitor.failure == nil)
        #expect(monitor.totalFailures == 0)
        await sqlite.close()
    }

    @Test(arguments: [
        ("unavailable: x: COMMIT: database or disk is full (sqlite code 13)", "file system is full"),
        ("disk I/O error; the file system holding /d is full (0 bytes free of 8)", "file system is full"),
        ("disk I/O error (sqlite code 778); the file system holding /d is read-only", "read-only"),
        ("disk I/O error; /d/log.sqlite-wal is 1 bytes, at the process's file size limit", "file size limit"),
        ("disk I/O error (sqlite code 778)", "I/O errors"),
    ])
    func diagnosis_namesTheCauseAnOperatorCanFix(error: String, expected: String) {
        #expect(StoreWriteMonitor.diagnosis(error).contains(expected))
    }
}

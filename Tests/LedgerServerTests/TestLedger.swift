import Foundation
import Hummingbird
import LedgerCrypto
import LedgerServer
import Log
import Logging
import LogSQLite
import SignedNote
import LogStoreContract

/// A bare log (no Registry: log-level payloads) in a fresh temporary folder laid out as a development ledger's —
/// checkpoint key and SQLite store with the log identity recorded — opened through `LedgerLog.open` as the daemon
/// opens its log, with `count` entries sequenced through its real sequencer (SQLite, fsync and all).
struct TestLedger {
    let folder: String
    let config: ServerConfig
    let ledger: LedgerLog
    let metrics: ServerMetrics

    static func make(entries count: Int, batch: Int = 64, configure: (inout ServerConfig) -> Void = { _ in })
        async throws -> TestLedger {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledgerd-\(UUID())").path
        var config = DevelopmentLedger.config(folder: folder)
        config.listen.port = 0
        configure(&config)
        let logger = quietLogger("test")
        try await createBareLog(config: config)
        let metrics = ServerMetrics()
        let ledger = try await LedgerLog.open(config: config, gate: MeteredGate(wrapping: nil, metrics: metrics),
                                              logger: logger)
        let sequencer = ledger.sequencer
        // With no entries the sequencer is left unstarted (and so startable by the test); otherwise it is run,
        // fed and stopped, as a daemon's earlier life would have left the store.
        if count > 0 { try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sequencer.run() }
            var next = 0
            while next < count {
                // Concurrent groups so that batches hold several entries.
                let end = min(count, next + batch)
                try await withThrowingTaskGroup(of: Void.self) { submits in
                    for i in next..<end { submits.addTask { _ = try await sequencer.submit([payload(i)]) } }
                    try await submits.waitForAll()
                }
                next = end
            }
            sequencer.stopIntake()
            try await group.waitForAll()
        } }
        return TestLedger(folder: folder, config: config, ledger: ledger, metrics: metrics)
    }

    func application(onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in })
        throws -> some ApplicationProtocol {
        try buildApplication(config: config, log: ledger, metrics: metrics, logger: quietLogger("test"),
                             onServerRunning: onServerRunning)
    }

    /// Serves this ledger on 127.0.0.1 for the duration of `body` (see `withLiveServer`).
    func withLiveClient<T: Sendable>(_ body: (LiveClient) async throws -> T) async throws -> T {
        try await withLiveServer({ try application(onServerRunning: $0) }, body)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// A checkpoint key (0600) and an empty SQLite store that records the log's identity.
    static func createBareLog(config: ServerConfig) async throws {
        try FileManager.default.createDirectory(atPath: config.data, withIntermediateDirectories: true)
        let signer = try Ed25519NoteSigner.generate(name: DevelopmentLedger.origin)
        FileManager.default.createFile(atPath: config.resolve(config.keys.checkpoint),
                                       contents: Data((try signer.signerKey + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        let store = try await SQLiteLogStore.create(path: config.resolve(config.store.sqlite))
        let identity = LogIdentity(origin: DevelopmentLedger.origin, hashAlgorithm: .sha256, verifier: signer.verifier)
        try await identity.record(in: store, verifierKey: signer.verifier.verifierKey)
        await store.close()
    }

    var verifier: any NoteVerifier { ledger.identity.verifier }
}

func payload(_ n: Int) -> [UInt8] { Array(#"{"n":\#(n),"what":"test entry"}"#.utf8) }

extension ByteBuffer {
    var bytes: [UInt8] { Array(readableBytesView) }
    var text: String { String(decoding: readableBytesView, as: UTF8.self) }
}

/// The JSON error body's fields.
struct ErrorBody: Decodable {
    struct Detail: Decodable {
        let code: String
        let message: String
        let field: String?
    }
    let error: Detail

    init(_ buffer: ByteBuffer) throws {
        self = try JSONDecoder().decode(ErrorBody.self, from: Data(buffer.bytes))
    }

    init(bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(ErrorBody.self, from: Data(bytes))
    }
}

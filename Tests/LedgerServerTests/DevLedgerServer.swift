import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import Logging
import Registry
import ServiceLifecycle
import LogStoreContract

/// A whole development ledger (genesis and the demo departments) served over a real socket on 127.0.0.1, the way
/// `certledgerd --dev` serves it: `Ledger.open` (replay + Registry gate), the sequencer and the HTTP server in the
/// daemon's own ServiceGroup.
struct DevLedgerServer {
    let folder: String
    let client: LiveClient
    let ledger: Ledger

    /// The demo department's private key.
    func key(_ department: String) throws -> PrivateKey {
        try PrivateKey(pem: String(contentsOfFile: DevelopmentLedger.departmentKeyPath(folder: folder, id: department),
                                   encoding: .utf8))
    }

    /// Signs the example record `Config/examples/<name>.json` as `department`, with `edit` applied to its record.
    func signExample(_ name: String, as department: String, nonce: Nonce = .random(),
                     edit: (inout [String: JSONValue]) -> Void = { _ in }) throws -> Submission {
        let value = try JSONValue.parse(Array(try Data(contentsOf: Self.examples.appendingPathComponent(name + ".json"))))
        var record = value["record"]?.objectValue ?? [:]
        edit(&record)
        let kind = try SubmissionKind(validating: value["kind"]?.stringValue ?? "")
        return try Submission.sign(kind: kind, department: DepartmentID(validating: department), key: key(department),
                                   nonce: nonce, recordJSON: .object(record))
    }

    func post(_ path: String, _ body: [UInt8], contentType: String = "application/json") async throws
        -> HTTPClientResponse {
        try await client.http.send("POST", path, headers: [("Content-Type", contentType)], body: body)
    }

    static var examples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/examples")
    }

    static func run<T: Sendable>(configure: (inout ServerConfig) -> Void = { _ in },
                                 logger: Logger = quietLogger("test"),
                                 _ body: (DevLedgerServer) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-dev-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = DevelopmentLedger.config(folder: folder)
        config.listen.port = 0
        configure(&config)
        try await DevelopmentLedger.createIfMissing(config: config, logger: logger)
        let metrics = ServerMetrics()
        let ledger = try await Ledger.open(config: config, metrics: metrics, logger: logger)
        // The daemon's own ServiceGroup: the sequencer and the server, stopped server first.
        return try await withLiveServer({ onRunning in
            try buildApplication(config: config, ledger: ledger, metrics: metrics, logger: logger,
                                 onServerRunning: onRunning)
        }, group: { LedgerServices.group(ledger: ledger.log, server: $0, signals: [], logger: logger) }) { client in
            try await body(DevLedgerServer(folder: folder, client: client, ledger: ledger))
        }
    }
}

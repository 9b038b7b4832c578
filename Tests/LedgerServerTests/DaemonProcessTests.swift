import Foundation
import LedgerClient
import Testing

/// The real daemon binary: `--dev` start-up, health over a socket, graceful shutdown on signals, and the refusals.
@Suite(.serialized) struct DaemonProcessTests {
    private func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("certledgerd-proc-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func get(_ port: Int, _ path: String) async throws -> (Int, Data) {
        let response = try await LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
            .send("GET", path)
        return (response.status, Data(response.body))
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func devDaemon_createsALedgerServesHealthAndExits0OnSignal(signal: Int32) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let daemon = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        let port = try await daemon.waitForPort()
        let (status, body) = try await get(port, "/healthz")
        #expect(status == 200)
        // The genesis and the nine demo departments, each of their two batches closed by a map root.
        #expect(String(decoding: body, as: UTF8.self).contains("\"treeSize\":12"))
        let (cpStatus, checkpoint) = try await get(port, "/checkpoint")
        #expect(cpStatus == 200)
        #expect(String(decoding: checkpoint, as: UTF8.self).hasPrefix("dev.certledger.invalid/DEVELOPMENT-ONLY\n12\n"))

        #expect(try await daemon.signal(signal) == 0)
        #expect(daemon.standardError.contains("DEVELOPMENT"))
        let key = folder + "/dev-ledger/checkpoint.skey"
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(FileManager.default.fileExists(atPath: folder + "/dev-ledger/log.sqlite"))
    }

    @Test func devDaemonRestarted_reopensTheSameLedgerWithoutRecreatingIt() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        _ = try await first.waitForPort()
        #expect(try await first.signal(SIGTERM) == 0)
        let key = try String(contentsOfFile: folder + "/dev-ledger/checkpoint.skey", encoding: .utf8)

        let second = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        let port = try await second.waitForPort()
        #expect(try await get(port, "/healthz").0 == 200)
        #expect(try await second.signal(SIGTERM) == 0)
        #expect(try String(contentsOfFile: folder + "/dev-ledger/checkpoint.skey", encoding: .utf8) == key)
        #expect(!second.standardError.contains("created a DEVELOPMENT ledger"))
    }

    @Test func missingStoreWithoutDev_exits2AndPointsAtCertledgerInit() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "data: \(folder)/ledger\nlisten: {port: 0}\n".write(toFile: folder + "/d.yaml", atomically: true,
                                                                 encoding: .utf8)
        let daemon = try DaemonProcess(arguments: ["--config", folder + "/d.yaml"], directory: folder)
        #expect(try await daemon.waitForExit() == 2)
        #expect(daemon.standardError.contains("certledger init"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/ledger"))
    }

    @Test func unknownConfigKey_exits2NamingTheKey() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "http: {bodyLimt: 5}\n".write(toFile: folder + "/d.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(arguments: ["--config", folder + "/d.yaml"], directory: folder)
        #expect(try await daemon.waitForExit() == 2)
        #expect(daemon.standardError.contains("http.bodyLimt"))
    }

    @Test func tamperedStore_isRefusedWithTheReason() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A dev ledger whose checkpoint key is then swapped for another: the store's identity no longer matches.
        let first = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        _ = try await first.waitForPort()
        #expect(try await first.signal(SIGTERM) == 0)
        let other = try DaemonProcess(arguments: ["--dev", "--port", "0", "--dev-folder", "other"], directory: folder)
        _ = try await other.waitForPort()
        #expect(try await other.signal(SIGTERM) == 0)
        try FileManager.default.removeItem(atPath: folder + "/dev-ledger/checkpoint.skey")
        try FileManager.default.copyItem(atPath: folder + "/other/checkpoint.skey",
                                         toPath: folder + "/dev-ledger/checkpoint.skey")
        let refused = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        #expect(try await refused.waitForExit() == 2)
        #expect(refused.standardError.contains("refusing to serve"))
        #expect(refused.standardError.contains("checkpoint key"))
    }
}

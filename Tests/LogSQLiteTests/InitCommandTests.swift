import Foundation
import Testing

/// `certledger keygen` + `certledger init` + `certledger audit` as an operator runs them, on the example
/// departments file: the ledger is created once, passes the full (Registry-level) audit, and a changed signature
/// inside an entry is found at its index.
@Suite(.serialized) struct InitCommandTests {
    let cli = AuditCommandTests()
    static let departmentsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "Config/departments.example.yaml").path

    /// Keys for every department of the example file, as `certledger keygen` writes them.
    func prepare(_ folder: String) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.departmentsFile, toPath: folder + "/departments.yaml")
        let algorithms = ["psb": "sm2", "bank": "ecdsa-p256"]
        for id in ["ledger", "amr", "psb", "bdc", "gjj", "ggzy", "tax", "rsj", "ybj", "bank", "bank-2"] {
            let (status, _, err) = try await cli.run("certledger", ["keygen", "--algorithm",
                                                                    algorithms[id] ?? "ed25519",
                                                                    "--out", folder + "/keys/demo-" + id])
            try #require(status == 0, "keygen \(id): \(err)")
        }
    }

    @Test func initThenAudit_passes_secondInitIsRefused_andTamperedSignatureIsFound() async throws {
        let folder = cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await prepare(folder)
        let data = folder + "/data"
        let initArgs = ["init", "--data", data, "--origin", "ledger.test.gov.cn/certledger",
                        "--departments", folder + "/departments.yaml", "--operator-key", folder + "/keys/demo-ledger.key"]
        let (status, out, err) = try await cli.run("certledger", initArgs)
        try #require(status == 0, "\(out) \(err)")
        #expect(out.contains("genesis + 9 departments"))
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/checkpoint.skey")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let key = "@" + data + "/checkpoint.vkey"
        let audit = try await cli.run("certledger", ["audit", "--data", data, "--verifier-key", key, "--json"])
        #expect(audit.0 == 0, "\(audit.1) \(audit.2)")
        // The genesis and 9 departments, each of their two batches closed by a map root.
        #expect(audit.1.contains(#""verifiedEntries":12"#))

        // Creating a ledger is done once.
        #expect(try await cli.run("certledger", initArgs).0 == 2)

        // A byte of entry 3's signature changed (the base64 stays valid): the Registry audit names entry 3.
        try rawSQLite(data + "/log.sqlite", """
            UPDATE entries SET data = CAST(REPLACE(CAST(data AS TEXT), '"signature":"', '"signature":"A') AS BLOB)
            WHERE idx = 3
            """)
        try rawSQLite(data + "/log.sqlite", """
            UPDATE entries SET data = CAST(REPLACE(CAST(data AS TEXT), '"signature":"AA', '"signature":"B') AS BLOB)
            WHERE idx = 3
            """)
        let tampered = try await cli.run("certledger", ["audit", "--data", data, "--verifier-key", key, "--json"])
        #expect(tampered.0 == 1, "\(tampered.1) \(tampered.2)")
        #expect(tampered.1.contains(#""index":3"#), "\(tampered.1)")
    }

    @Test func departmentsFileWithoutOperatorKey_isAClearError() async throws {
        let folder = cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await prepare(folder)
        // Sign as the market regulator, who is not the operator of the file.
        let (status, _, err) = try await cli.run("certledger", [
            "init", "--data", folder + "/data", "--origin", "ledger.test.gov.cn/certledger",
            "--departments", folder + "/departments.yaml", "--operator-key", folder + "/keys/demo-amr.key"])
        #expect(status == 2)
        #expect(err.contains("operator"), "\(err)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/data/log.sqlite"))
    }
}

import Foundation
import LedgerCrypto
import Log
import Testing
@testable import certledger
@testable import LogPostgres

/// `certledger init --store postgres://…`: the ledger is created in a new schema (not in log.sqlite), the keys in
/// the data folder, a daemon configuration naming the store is written; an existing schema and an unreachable
/// server are refused before any key is written.
@Suite struct InitStoreTests {
    static let origin = "ledger.test.gov.cn/certledger"

    /// A departments file with the operator and one license issuer, their keys beside it; returns the arguments
    /// `init` needs apart from --data and --store.
    static func departments(in folder: String) throws -> [String] {
        let operatorKey = try PrivateKey.generate(.ed25519), amr = try PrivateKey.generate(.ed25519)
        try operatorKey.pkcs8PEM().write(toFile: folder + "/operator.key", atomically: true, encoding: .utf8)
        try operatorKey.publicKey.pem.write(toFile: folder + "/operator.pub", atomically: true, encoding: .utf8)
        try amr.publicKey.pem.write(toFile: folder + "/amr.pub", atomically: true, encoding: .utf8)
        try """
            departments:
              - {id: test-ledger, nameZh: 测试账本, nameEn: Test ledger, roles: [operator], keys: [operator.pub]}
              - {id: test-amr, nameZh: 测试市场监管, nameEn: Test market regulation, roles: [license-issuer],
                 keys: [amr.pub]}
            """.write(toFile: folder + "/departments.yaml", atomically: true, encoding: .utf8)
        return ["--origin", origin, "--departments", folder + "/departments.yaml",
                "--operator-key", folder + "/operator.key"]
    }

    @Test func initIntoPostgres_createsTheLedgerInTheSchema_writesTheConfig_andTheAuditPasses() async throws {
        let folder = try temporaryFolder("init-pg")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let common = try Self.departments(in: folder)
        let data = folder + "/data"
        try await TestSchema.with("init") { schema in
            try await CertLedger.Init.parse(["--data", data, "--store", schema.url, "--pool-size", "6"] + common).run()

            let fm = FileManager.default
            #expect(!fm.fileExists(atPath: data + "/log.sqlite"), "the log is in PostgreSQL, not in the folder")
            for key in ["checkpoint.skey", "checkpoint.vkey", "receipt.key", "receipt.pub"] {
                #expect(fm.fileExists(atPath: data + "/" + key), "\(key)")
            }
            let store = try await schema.open()
            #expect(store.origin == Self.origin)
            // The genesis and one department, each in its own batch closed by a map root.
            #expect(try await store.head()?.size == 4, "genesis and one department")
            await store.close()

            let config = try String(contentsOfFile: data + "/certledgerd.yaml", encoding: .utf8)
            #expect(config.contains("""
                store:
                  postgres:
                    url: "\(schema.url)"
                    poolSize: 6
                """), "\(config)")
            #expect(config.contains("data: \"\(URL(fileURLWithPath: data).standardizedFileURL.path)\""))
            #expect(config.contains("origin: \"\(Self.origin)\""))
            #expect(config.contains("checkpoint: checkpoint.skey"))

            let audit = await exitStatus {
                try await CertLedger.Audit.parse(["--store", schema.url, "--verifier-key",
                                                  "@" + data + "/checkpoint.vkey", "--quiet"]).run()
            }
            #expect(audit.code == 0, "\(audit.message)")

            // A second ledger in the same schema is refused, before any key is written into its folder.
            let second = folder + "/second"
            let again = await exitStatus {
                try await CertLedger.Init.parse(["--data", second, "--store", schema.url] + common).run()
            }
            #expect(again.code == 2)
            #expect(again.message.contains("schema \(schema.options.schema)"), "\(again.message)")
            #expect(again.message.contains("already exists"), "\(again.message)")
            #expect(!fm.fileExists(atPath: second + "/checkpoint.skey"))
        }
    }

    /// The configuration `init --store` writes is one the real daemon starts from: it opens the store named there,
    /// checks the ledger's identity and keys, and replays the log (here an SQLite file outside the data folder; the
    /// `store.postgres` block is the daemon's to read).
    @Test func initWithAnotherSQLiteFile_writesAConfigTheRealDaemonStartsFrom() async throws {
        let folder = try temporaryFolder("init-sqlite")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let common = try Self.departments(in: folder)
        let data = folder + "/data", log = folder + "/elsewhere.sqlite"
        try await CertLedger.Init.parse(["--data", data, "--store", "sqlite:" + log] + common).run()
        #expect(FileManager.default.fileExists(atPath: log))
        #expect(!FileManager.default.fileExists(atPath: data + "/log.sqlite"))
        let config = try String(contentsOfFile: data + "/certledgerd.yaml", encoding: .utf8)
        #expect(config.contains("store:\n  sqlite: \"\(URL(fileURLWithPath: log).standardizedFileURL.path)\"\n"),
                "\(config)")
        let daemon = try await startAndStopDaemon(["--config", data + "/certledgerd.yaml", "--port", "0"])
        #expect(daemon.status == 0, "\(daemon.listening)")
    }

    @Test func initWithUnreachableServerOrPasswordInTheURL_writesNothing() async throws {
        let folder = try temporaryFolder("init-down")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let common = try Self.departments(in: folder)
        let data = folder + "/data"
        let down = await exitStatus {
            try await CertLedger.Init.parse(["--data", data, "--store",
                "postgres://certledger@127.0.0.1:1/ledger?schema=certledger&connect_timeout=5"] + common).run()
        }
        #expect(down.code == 3)
        #expect(down.message.contains("cannot reach PostgreSQL at 127.0.0.1:1"), "\(down.message)")
        #expect(!FileManager.default.fileExists(atPath: data + "/checkpoint.skey"))
        #expect(!FileManager.default.fileExists(atPath: data + "/certledgerd.yaml"))

        let password = await exitStatus {
            try await CertLedger.Init.parse(["--data", data, "--store",
                "postgres://certledger:s3cret@127.0.0.1:5432/ledger"] + common).run()
        }
        #expect(password.code == 2)
        #expect(password.message.contains("CERTLEDGER_PG_PASSWORD") && !password.message.contains("s3cret"),
                "\(password.message)")
    }
}

import LedgerStores
import Foundation
import Testing
@testable import certledger

/// How the commands read `sqlite:PATH` and `postgres://…` and what they write for the daemon.
@Suite struct StoreAddressTests {
    @Test func postgresURL_keepsTheURLAndPoolSize_andItsDaemonLinesAreTheConfigShape() throws {
        let url = "postgres://certledger@db.example:5433/ledger?schema=city_a&sslmode=require"
        let address = try StoreAddress(url, option: "--to", environment: [:], poolSize: 6)
        guard case .postgres(let options, let kept) = address else { Issue.record("\(address)"); return }
        #expect(kept == url && options.schema == "city_a" && options.port == 5433 && options.poolSize == 6)
        #expect(address.daemonYAML() == """
            store:
              postgres:
                url: "\(url)"
                poolSize: 6

            """)
    }

    @Test func passwordInTheURL_isRefusedWithoutRepeatingIt() async {
        let result = await exitStatus {
            _ = try StoreAddress("postgres://certledger:hunter2@db/ledger", option: "--to", environment: [:])
        }
        #expect(result.code == 2)
        #expect(result.message.contains("CERTLEDGER_PG_PASSWORD") && !result.message.contains("hunter2"),
                "\(result.message)")
    }

    @Test func barePathsAreFilesOnlyWhereAllowed_andEmptyOrUnknownAddressesAreUsageErrors() async throws {
        guard case .sqlite(let path) = try StoreAddress("ledger/log.sqlite", option: "--store", barePath: true) else {
            Issue.record("a bare path is an SQLite file for audit --store")
            return
        }
        #expect(path == "ledger/log.sqlite")
        guard case .sqlite(let explicit) = try StoreAddress("sqlite:/var/lib/l.sqlite", option: "--to") else {
            Issue.record("sqlite:PATH")
            return
        }
        #expect(explicit == "/var/lib/l.sqlite")
        for text in ["ledger/log.sqlite", "sqlite:", "mysql://root@db/ledger", "postgres:/db"] {
            let result = await exitStatus { _ = try StoreAddress(text, option: "--to") }
            #expect(result.code == 2, "\(text): \(result.message)")
        }
    }

    @Test func yamlQuoting_escapesQuotesBackslashesAndControls() {
        #expect(yamlQuoted(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(yamlQuoted("x\ny") == #""x\x0Ay""#)
    }
}

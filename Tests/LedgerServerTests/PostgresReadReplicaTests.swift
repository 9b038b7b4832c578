import CanonicalJSON
import Foundation
import LedgerClient
import LedgerServer
import Log
@testable import LogPostgres
import PostgresTestSupport
import Registry
import Testing

/// A read replica: a daemon with `store.postgres.readOnly` on a real PostgreSQL hot standby (streaming
/// replication from the primary) serves what the primary's daemon acknowledged — look-ups, the checkpoint, signed
/// verification — and refuses submissions; the standby itself refuses any write.
@Suite struct PostgresReadReplicaTests {
    static let holder = "91350100MA2YDE7W7J"

    @Test func readOnlyDaemonOnAStandby_servesThePrimarysEntries_andRefusesSubmissions() async throws {
        let pair = try await PostgresReplicaPair.start()
        let ledger = try await PostgresTestLedger.make(serverURL: pair.primaryURL, followIntervalMilliseconds: 50)
        defer { try? FileManager.default.removeItem(atPath: ledger.folder) }
        var standbyOptions = ledger.options
        standbyOptions.port = try #require(Int(pair.standbyURL.split(separator: ":").last?
            .split(separator: "/").first ?? ""))
        // The schema reaches the standby by replication, a moment after the primary made it.
        let replicated = try await Self.waitFor { try await PostgresLogStore.open(options: standbyOptions, origin: nil) }
        // The database itself refuses writes on the standby.
        await #expect(throws: (any Error).self) {
            try await replicated.append(LogBatch(firstIndex: 10, entries: [Array(#"{"x":1}"#.utf8)], tiles: [:],
                                                 checkpoint: [1]))
        }
        await replicated.close()

        try await ledger.serve { primary in
            try await ledger.serve(configure: { config in
                if var postgres = config.store.postgres {
                    let url = postgres.url.replacingOccurrences(of: pair.primaryURL, with: pair.standbyURL)
                    postgres.url = url
                    postgres.readOnly = true
                    config.store.postgres = postgres
                }
            }) { replica in
                let license = try primary.signExample("license-issue", as: "demo-amr")
                let created = try await primary.post("/v1/submissions", license.canonicalBytes)
                #expect(created.status == 201, "\(created.text)")

                let found = try await PostgresFollowerTests.poll(replica, "/v1/licenses/\(Self.holder)", until: 200)
                #expect(try JSONValue.parse(found.body)["status"]?.stringValue == "live")
                let checkpoint = try await PostgresFollowerTests.poll(replica, "/checkpoint") { answer in
                    answer.body == primary.ledger.log.snapshot.checkpoint
                }
                #expect(checkpoint.status == 200)
                let question = Array(#"{"subject":"license","uscc":"\#(Self.holder)"}"#.utf8)
                let verdict = try await replica.post("/v1/verify", question)
                #expect(verdict.status == 200, "\(verdict.text)")
                #expect(try JSONValue.parse(verdict.body)["verdict"]?.stringValue == "authentic")

                let refused = try await replica.post("/v1/submissions",
                    try replica.signExample("seal-issue", as: "demo-psb").canonicalBytes)
                #expect(refused.status == 503)
                #expect(try JSONValue.parse(refused.body)["error"]?["code"]?.stringValue == "read_only")
            }
        }
        await ledger.remove()
    }

    @Test func readOnlyWithoutFollowing_isAConfigurationError() throws {
        let yaml = """
            store: {postgres: {url: "postgres://u@127.0.0.1:5432/db?schema=s", readOnly: true, \
            followIntervalMilliseconds: 0}}
            """
        let error = try #require(throws: LedgerServerError.self) { _ = try ServerConfig(yaml: yaml) }
        #expect(error.field == "store.postgres.followIntervalMilliseconds")
        let ok = try ServerConfig(yaml: "store: {postgres: {url: \"postgres://u@127.0.0.1:5432/db\", readOnly: true}}")
        #expect(ok.store.postgres?.readOnly == true)
    }

    /// Retries `body` every 50 ms for up to 10 s.
    static func waitFor<T>(_ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do { return try await body() } catch {
                if ContinuousClock.now > deadline { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

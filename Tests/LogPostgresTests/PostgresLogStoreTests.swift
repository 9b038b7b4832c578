import Foundation
import Testing
import Log
@testable import LogPostgres
import LogStoreContract
import PostgresNIO
import PostgresTestSupport

/// What the contract suite does not cover: creation and identity, refusals with clear errors, durability
/// settings, and the compare-and-swap between two separate stores (two daemons) on one schema.
@Suite struct PostgresLogStoreTests {
    @Test func create_onExistingSchema_conflictsWhateverItHolds() async throws {
        try await PostgresTestStores.withSchema { options in
            let first = try await PostgresLogStore.create(options: options, origin: "a.example/log")
            await first.close()
            let error = await #expect(throws: LogStoreError.self) {
                _ = try await PostgresLogStore.create(options: options, origin: "b.example/log")
            }
            #expect(error?.code == .conflict)
            #expect(error?.reason.contains("schema \(options.schema)") == true, "\(String(describing: error))")
            let reopened = try await PostgresLogStore.open(options: options, origin: nil)
            #expect(reopened.origin == "a.example/log", "the refused create changed nothing")
            await reopened.close()
        }
    }

    @Test func open_schemaOfAnotherLedger_isRefusedNamingBothOrigins() async throws {
        try await PostgresTestStores.withSchema { options in
            let store = try await PostgresLogStore.create(options: options, origin: "city-a.example/ledger")
            try await store.append(ContractData.batch(firstIndex: 0, lengths: [10], tag: "a"))
            await store.close()
            let error = await #expect(throws: LogStoreError.self) {
                _ = try await PostgresLogStore.open(options: options, origin: "city-b.example/ledger")
            }
            #expect(error?.code == .conflict)
            #expect(error?.reason.contains("\"city-a.example/ledger\", not \"city-b.example/ledger\"") == true,
                    "\(String(describing: error))")
        }
    }

    @Test func open_missingSchema_isUnavailableAndCreatesNothing() async throws {
        let options = try await PostgresTestStores.options()
        let error = await #expect(throws: LogStoreError.self) {
            _ = try await PostgresLogStore.open(options: options, origin: nil)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.reason.contains("no CertLedger log in schema \(options.schema)") == true,
                "\(String(describing: error))")
        let again = await #expect(throws: LogStoreError.self) {
            _ = try await PostgresLogStore.open(options: options, origin: nil)
        }
        #expect(again?.code == .unavailable, "a failed open must not have created the schema")
    }

    @Test func open_schemaWithForeignLogTable_isCorrupt() async throws {
        try await PostgresTestStores.withSchema { options in
            let admin = try await PostgresLogStore.connectForMaintenance(options: options)
            try await admin.run("making a foreign schema") { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(options.schema)"),
                                           logger: admin.logger)
                try await connection.query(PostgresQuery(unsafeSQL: """
                    CREATE TABLE \(options.schema).log (format text, version integer, origin text, size bigint)
                    """), logger: admin.logger)
                try await connection.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO \(options.schema).log VALUES ('someone-elses-app', 1, 'x', 0)
                    """), logger: admin.logger)
            }
            await admin.close()
            let error = await #expect(throws: LogStoreError.self) {
                _ = try await PostgresLogStore.open(options: options, origin: nil)
            }
            #expect(error?.code == .corrupt)
            #expect(error?.reason.contains("not a CertLedger log (format \"someone-elses-app\")") == true,
                    "\(String(describing: error))")
        }
    }

    @Test func open_unreachableServer_namesHostPortAndReason() async throws {
        // A port nobody listens on: bind one, note it, close it.
        let options = try PostgresStoreOptions(host: "127.0.0.1", port: try closedPort(), user: "nobody",
                                               tls: .disable, connectTimeout: .seconds(3))
        let error = await #expect(throws: LogStoreError.self) {
            _ = try await PostgresLogStore.open(options: options, origin: nil)
        }
        #expect(error?.code == .unavailable)
        let reason = error?.reason ?? ""
        #expect(reason.contains("cannot reach PostgreSQL at 127.0.0.1:\(options.port)"), "\(reason)")
        #expect(reason.lowercased().contains("refused"), "the underlying reason is in the message: \(reason)")
    }

    @Test func roleWithSynchronousCommitOff_getsItRaisedOnEveryConnection() async throws {
        let server = try await PostgresTestServer.shared()
        try #require(server.isThrowAway, "needs CREATEROLE; runs on the throw-away cluster only")
        try await PostgresTestStores.withSchema { options in
            let role = "lazy_" + options.schema
            let admin = try await PostgresLogStore.connectForMaintenance(options: options)
            try await admin.run("making a role") { connection in
                for sql in ["CREATE ROLE \(role) LOGIN", "ALTER ROLE \(role) SET synchronous_commit = off",
                            "GRANT CREATE ON DATABASE \(options.database) TO \(role)"] {
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: admin.logger)
                }
            }
            var lazy = options
            lazy.user = role
            let store = try await PostgresLogStore.create(options: lazy, origin: "durable.example/log")
            let settings = try await store.settings()
            #expect(settings.synchronousCommit == "on")
            #expect(settings.fsync)
            try await store.append(ContractData.batch(firstIndex: 0, lengths: [5], tag: "durable"))
            try await store.dropSchema()
            await store.close()
            try await admin.run("dropping the role") { connection in
                let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = '\(role)'::regrole
                    """), logger: admin.logger)
                var defaults: [String] = []
                for try await setting in rows.decode(String.self) { defaults.append(setting) }
                #expect(defaults == ["synchronous_commit=off"], "the role default really was off")
                for sql in ["REVOKE CREATE ON DATABASE \(options.database) FROM \(role)", "DROP ROLE \(role)"] {
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: admin.logger)
                }
            }
            await admin.close()
        }
    }

    /// Two stores with their own pools (two daemons) appending at the same size, many rounds: each round exactly
    /// one wins and the other gets `.conflict`, and the log grows by exactly one batch per round.
    @Test func twoStoresAppendingAtTheSameSize_oneWinsOneConflictsEveryRound() async throws {
        try await PostgresTestStores.withSchema { options in
            let a = try await PostgresLogStore.create(options: options, origin: "race.example/log")
            let b = try await PostgresLogStore.open(options: options, origin: "race.example/log")
            var size: UInt64 = 0
            for round in 0..<30 {
                let batches = [a, b].enumerated().map { number, _ in
                    ContractData.batch(firstIndex: size, lengths: [40, 41], tag: "round \(round) store \(number)")
                }
                let outcomes = await withTaskGroup(of: (Int, LogStoreError.Code?).self) { group in
                    for (number, store) in [a, b].enumerated() {
                        group.addTask {
                            do { try await store.append(batches[number]); return (number, nil) }
                            catch let error as LogStoreError { return (number, error.code) }
                            catch { return (number, .unavailable) }
                        }
                    }
                    return await group.reduce(into: [(Int, LogStoreError.Code?)]()) { $0.append($1) }
                }
                let winners = outcomes.filter { $0.1 == nil }.map(\.0)
                try #require(winners.count == 1, "round \(round): \(outcomes)")
                #expect(outcomes.contains { $0.1 == .conflict }, "round \(round): the loser sees .conflict")
                size += 2
                let head = try await b.head()
                #expect(head == LogHead(size: size, checkpoint: batches[winners[0]].checkpoint))
                #expect(try await a.entries((size - 2)..<size) == batches[winners[0]].entries)
            }
            await a.close()
            await b.close()
        }
    }

    /// The contract suite's workload shapes, timed: single-entry batches (commit-bound) and one 1,000-entry batch.
    @Test func appendRate_isMeasured() async throws {
        try await PostgresTestStores.withSchema { options in
            let store = try await PostgresLogStore.create(options: options, origin: "rate.example/log")
            let count = 300
            var clock = ContinuousClock.now
            for index in 0..<count {
                try await store.append(ContractData.batch(firstIndex: UInt64(index), lengths: [580], tag: "one"))
            }
            let single = ContinuousClock.now - clock
            clock = ContinuousClock.now
            try await store.append(ContractData.batch(firstIndex: UInt64(count),
                                                      lengths: Array(repeating: 700, count: 1_000), tag: "large"))
            let large = ContinuousClock.now - clock
            let perSecond = Double(count) / (Double(single.components.seconds)
                + Double(single.components.attoseconds) / 1e18)
            print("PostgreSQL append: \(count) one-entry batches in \(single) (\(Int(perSecond))/s); "
                + "one 1,000-entry batch in \(large)")
            #expect(try await store.head()?.size == UInt64(count + 1_000))
            await store.close()
        }
    }
}

/// A loopback port with nobody listening: the kernel picks a free one, the socket is closed at once.
private func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    try #require(ok)
    return Int(UInt16(bigEndian: address.sin_port))
}

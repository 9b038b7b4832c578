import Foundation
import LedgerClient
import LedgerServer
import LogStoreContract
import SignedNote
import Testing
import Witness

/// Two real `certledgerd` processes on one PostgreSQL ledger, configured with the same two C2SP witnesses (in this
/// process, on real sockets). Both collect cosignatures on their own schedule, so the witnesses see checkpoints from
/// both, often one behind the other: a lagging daemon's request is answered 409 with the witness's larger size, and
/// the daemon must neither give up for good nor keep the witness answering 409; afterwards both serve, at
/// `/checkpoint`, a checkpoint of the final tree that meets the verifying side's policy. And they share one
/// witnessing state: a daemon that cannot reach the witnesses serves the quorum the other recorded in the store.
@Suite(.serialized) struct PostgresWitnessTests {
    @Test func twoDaemonsOnOneLedger_witnessedByTheSameWitnesses_bothServeTheFinalTreeWitnessed() async throws {
        try await Self.withWitnesses { ledger, witnesses, policy in
            try await Self.run(ledger, witnesses: witnesses, policy: policy)
        }
    }

    /// One witnessing state for the daemons of a ledger: daemon A reaches the witnesses, daemon B (its own record
    /// file, as on another host) has the same witness keys at addresses where nobody listens. B can only serve a
    /// witnessed checkpoint by taking the one A recorded in the shared store — and it serves the final tree so.
    @Test func aDaemonWhoseWitnessesAreUnreachable_servesTheQuorumAnotherDaemonRecordedInTheStore() async throws {
        try await Self.withWitnesses { ledger, witnesses, policy in
            try await withWitnessServers(witnesses) { ports in
                let reachable = witnesses.map { ("http://127.0.0.1:\(ports[$0.verifierKey]!)", $0.verifierKey) }
                let unreachable = try witnesses.map {
                    ("http://127.0.0.1:\(try PostgresLedgerOpenTests.closedPort())", $0.verifierKey)
                }
                var daemons: [(process: DaemonProcess, client: LedgerHTTPClient)] = []
                for (name, members) in [("a", reachable), ("b", unreachable)] {
                    let yaml = ledger.yaml + """

                        witnesses:
                          quorum: 2
                          intervalMilliseconds: 50
                          timeoutSeconds: 2
                          witnessedCheckpoint: \(name)-witnessed-checkpoint
                          members:
                        \(members.map { "    - url: \"\($0.0)\"\n      verifierKey: \"\($0.1)\"" }
                            .joined(separator: "\n"))

                        """
                    let configPath = ledger.folder + "/\(name).yaml"
                    try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
                    daemons.append(try await Self.start(configPath, ledger))
                }
                try await Self.submit(ledger, "license-issue", as: "demo-amr", to: daemons[0].client)
                for _ in 0..<3 {
                    try await Self.submit(ledger, "link-real-estate", as: "demo-bdc", to: daemons[0].client)
                }
                let size = try await Self.storedSize(ledger)
                let served = try await Self.servedWitnessedSize(daemons[1].client, policy: policy, reaching: size)
                #expect(served == size, """
                    daemon B serves a witnessed checkpoint of size \(served.map(String.init) ?? "none"), the \
                    ledger has \(size): \(daemons[1].process.standardError.suffix(1500))
                    """)
                for daemon in daemons {
                    #expect(try await daemon.process.signal(SIGTERM) == 0,
                            "\(daemon.process.standardError.suffix(1500))")
                }
            }
        }
    }

    /// A PostgreSQL ledger and two witnesses following it (quorum 2), closed after `body` whatever it did.
    static func withWitnesses(
        _ body: (PostgresTestLedger, [Witness], WitnessPolicy) async throws -> Void
    ) async throws {
        try await PostgresTestLedger.with(followIntervalMilliseconds: 100) { ledger in
            let (witnesses, policy) = try await makeWitnesses(2, quorum: 2, folder: ledger.folder)
            do {
                try await body(ledger, witnesses, policy)
            } catch {
                for witness in witnesses { await witness.close() }
                throw error
            }
            for witness in witnesses { await witness.close() }
        }
    }

    /// A `certledgerd` on `configPath`, once it listens, and a client for it.
    static func start(_ configPath: String, _ ledger: PostgresTestLedger) async throws
        -> (process: DaemonProcess, client: LedgerHTTPClient) {
        let daemon = try DaemonProcess(arguments: ["--config", configPath], directory: ledger.folder)
        let client = try LedgerHTTPClient(url: "http://127.0.0.1:\(try await daemon.waitForPort())",
                                          timeout: .seconds(30))
        return (daemon, client)
    }

    /// Submits the example `example` signed by `department` through `client`; it must be accepted.
    static func submit(_ ledger: PostgresTestLedger, _ example: String, as department: String,
                       to client: LedgerHTTPClient) async throws {
        let body = try PostgresMultiDaemonTests.sign(ledger, example: example, as: department)
        let answer = try await client.send("POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                           body: body)
        #expect(answer.status == 201, "\(answer.text)")
    }

    /// The tree size the ledger's store holds.
    static func storedSize(_ ledger: PostgresTestLedger) async throws -> UInt64 {
        let store = try await ledger.openStore()
        let size = try #require(try await store.head()).size
        await store.close()
        return size
    }

    /// The size of the witnessed checkpoint (under `policy`) `client`'s daemon serves at `/checkpoint`, once it is
    /// `size` or 30 s have passed; nil if it never served one.
    static func servedWitnessedSize(_ client: LedgerHTTPClient, policy: WitnessPolicy,
                                    reaching size: UInt64) async throws -> UInt64? {
        var served: UInt64?
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, served != size {
            let answer = try await client.send("GET", "/checkpoint")
            if answer.status == 200, case .witnessed(let witnessed) = policy.check(answer.body) {
                served = witnessed.checkpoint.size
            }
            if served != size { try await Task.sleep(for: .milliseconds(100)) }
        }
        return served
    }

    static func run(_ ledger: PostgresTestLedger, witnesses: [Witness], policy: WitnessPolicy) async throws {
            try await withWitnessServers(witnesses) { ports in
                let memberYAML = witnesses.map { witness in
                    """
                        - url: "http://127.0.0.1:\(ports[witness.verifierKey]!)"
                          verifierKey: "\(witness.verifierKey)"
                    """
                }.joined(separator: "\n")
                let yaml = ledger.yaml + """

                    witnesses:
                      quorum: 2
                      intervalMilliseconds: 50
                      refreshSeconds: 2
                      timeoutSeconds: 5
                      members:
                    \(memberYAML)

                    """
                let configPath = ledger.folder + "/certledgerd.yaml"
                try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
                var daemons: [DaemonProcess] = []
                var clients: [LedgerHTTPClient] = []
                for _ in 0..<2 {
                    let (daemon, client) = try await Self.start(configPath, ledger)
                    daemons.append(daemon)
                    clients.append(client)
                }

                // Submissions to both daemons at once, in rounds, so each one's head moves past the other's.
                try await Self.submit(ledger, "license-issue", as: "demo-amr", to: clients[0])
                for _ in 0..<6 {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for client in clients {
                            let bodies = try (0..<4).map { _ in
                                try PostgresMultiDaemonTests.sign(ledger, example: "link-real-estate",
                                                                  as: "demo-bdc")
                            }
                            group.addTask {
                                for body in bodies {
                                    let answer = try await client.send(
                                        "POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                        body: body)
                                    #expect(answer.status == 201, "\(answer.text)")
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    try await Task.sleep(for: .milliseconds(120))
                }
                let size = try await Self.storedSize(ledger)
                #expect(size >= 10 + 1 + 6 * 2 * 4, "every submission and the batches' map roots")

                for (number, client) in clients.enumerated() {
                    let served = try await Self.servedWitnessedSize(client, policy: policy, reaching: size)
                    let what = served.map(String.init) ?? "none"
                    #expect(served == size, """
                        daemon \(number) serves a witnessed checkpoint of size \(what), the ledger has \(size): \
                        \(daemons[number].standardError.suffix(1500))
                        """)
                }
                for daemon in daemons {
                    #expect(try await daemon.signal(SIGTERM) == 0, "\(daemon.standardError.suffix(1500))")
                }
            }
    }
}

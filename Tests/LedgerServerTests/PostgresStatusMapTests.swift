import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import Log
@testable import LogPostgres
import Logging
import LogStoreContract
import Registry
import Synchronization
import Testing
import Witness

/// The status map of a PostgreSQL ledger, kept in the ledger's schema: proofs at older checkpointed sizes, a restart
/// that loads the map instead of recomputing it, two daemons that derive and store the same map, and a stored map
/// that disagrees with the log rebuilt with a warning.
@Suite struct PostgresStatusMapTests {
    /// A logger keeping every line (for what the start did), besides the quiet one.
    static func capturing() -> (Logger, CapturedLines) {
        let lines = CapturedLines()
        return (Logger(label: "test", factory: { _ in CapturedLog(lines: lines) }), lines)
    }

    /// The map root the log states at the end of the tree of `size` (its `map.root` entry).
    static func statedRoot(_ store: PostgresLogStore, size: UInt64) async throws -> Hash256 {
        let entry = try LogEntry(bytes: try #require(try await store.entries((size - 1)..<size).first))
        return try MapRootRecord(payload: entry.payload).root
    }

    @Test func restart_loadsTheMapWithoutRecomputingIt_andProvesOlderSizes() async throws {
        try await PostgresTestLedger.with { shared in
            let (before, final, root) = try await shared.serve { server in
                let before = server.ledger.log.sequencer.head.size
                try await StatusMapLedgerTests.submitHistory(server)
                let current = try #require(server.ledger.statusMap?.current)
                #expect(current.version == server.ledger.log.sequencer.head.size)
                return (before, current.version, current.root)
            }
            // Written by the time the daemon stopped: every batch's version, each with the root its entry states.
            let store = try await shared.openStore()
            let stored = try await PostgresMapNodeStore.open(log: store, writable: false)
            #expect(try await stored.latestVersion(atMost: .max) == final)
            for checkpoint in try await store.checkpoints(from: 1, limit: 1_000) {
                #expect(try await stored.root(atVersion: checkpoint.size)
                        == (try await Self.statedRoot(store, size: checkpoint.size)), "version \(checkpoint.size)")
            }
            let middle = try #require(try await store.checkpoints(from: before + 1, limit: 1_000).first?.size)
            #expect(middle > before && middle < final)
            await store.close()

            let (logger, lines) = Self.capturing()
            try await shared.serve(logger: logger) { server in
                let logged = lines.atLeast(.info)
                #expect(logged.contains {
                    $0.hasPrefix("status map loaded from PostgreSQL") && $0.contains("\(final)")
                }, "\(logged)")
                #expect(!logged.contains {
                    $0.contains("caught up") || $0.contains("rebuilt") || $0.contains("disagrees")
                }, "nothing of the map was recomputed: \(logged)")
                let current = try #require(server.ledger.statusMap?.current)
                #expect(current.version == final && current.root == root)
                // Older sizes are proven from the tables: before the license, absent; after the bundle, present
                // (live, not yet revoked); now, present with the revoked value.
                let key = "license:" + StatusMapLedgerTests.license
                let absent = try await StatusMapLedgerTests.checkedProof(server, key: key, size: before, value: nil)
                #expect(absent.verdict == .absent && absent.size == before, "\(absent.verdict)")
                let uscc = try USCC(StatusMapLedgerTests.license)
                // The value at the middle size: the Registry replayed up to the map root closing that tree.
                let auditor = RegistryAuditor()
                for bytes in try await server.ledger.log.store.entries(0..<(middle - 1)) {
                    try auditor.visit(try LogEntry(bytes: bytes))
                }
                let live = try #require(auditor.state.statusMapValue(for: .license(uscc)))
                let atMiddle = try await StatusMapLedgerTests.checkedProof(server, key: key, size: middle, value: live)
                #expect(atMiddle.size == middle)
                #expect(atMiddle.verdict == .present(valueHash: MapHasher().valueHash(live)), "\(atMiddle.verdict)")
                let value = try #require(server.ledger.registry.snapshot.statusMapValue(for: .license(uscc)))
                #expect(value != live, "the revocation changed the value")
                let now = try await StatusMapLedgerTests.checkedProof(server, key: key, value: value)
                #expect(now.verdict == .present(valueHash: MapHasher().valueHash(value)), "\(now.verdict)")
            }
        }
    }

    /// A PostgreSQL daemon keeps a registry snapshot of its own as a SQLite one does: a restart loads it, replays
    /// only the entries after it, and ends with the same state and map as a daemon that replayed everything.
    @Test func restartFromARegistrySnapshot_replaysOnlyTheTail() async throws {
        try await PostgresTestLedger.with { shared in
            let written = try await shared.serve { server in
                try await StatusMapLedgerTests.submitHistory(server)
                let writer = try #require(server.ledger.snapshots, "a PostgreSQL daemon writes snapshots too")
                #expect(writer.startSize == 0)
                return try #require(try await writer.writeNow())
            }
            #expect(FileManager.default.fileExists(atPath: shared.config.resolve(shared.config.store.registrySnapshot)))
            let (expected, expectedMap) = try await shared.serve { server in
                // Entries after the snapshot, which the next start replays on top of it.
                try await StatusMapRestartTests.submit(server.ledger, folder: shared.folder, links: 2)
                return (server.ledger.registry.snapshot.size, try #require(server.ledger.statusMap?.current))
            }
            let (logger, lines) = Self.capturing()
            try await shared.serve(logger: logger) { server in
                #expect(server.ledger.snapshots?.startSize == written)
                #expect(lines.atLeast(.info).contains {
                    $0.hasPrefix("registry loaded from its snapshot") && $0.contains("\(written)")
                }, "\(lines.atLeast(.info))")
                #expect(server.ledger.registry.snapshot.size == expected)
                let map = try #require(server.ledger.statusMap?.current)
                #expect(map.version == expectedMap.version && map.root == expectedMap.root)
                let key = "license:" + StatusMapLedgerTests.license
                let uscc = try USCC(StatusMapLedgerTests.license)
                let value = try #require(server.ledger.registry.snapshot.statusMapValue(for: .license(uscc)))
                let proof = try await StatusMapLedgerTests.checkedProof(server, key: key, value: value)
                #expect(proof.verdict == .present(valueHash: MapHasher().valueHash(value)), "\(proof.verdict)")
            }
        }
    }

    @Test func twoDaemonsOnOneLedger_deriveAndStoreTheSameMap() async throws {
        try await PostgresTestLedger.with(followIntervalMilliseconds: 50) { shared in
            let (first, second) = try await shared.serve { one in
                try await shared.serve { two in
                    // The links' license, issued through one daemon and followed by the other.
                    let license = try one.signExample("license-issue", as: "demo-amr")
                    #expect(try await one.post("/v1/submissions", license.canonicalBytes).status == 201)
                    let issued = one.ledger.log.sequencer.head.size
                    let following = ContinuousClock.now + .seconds(30)
                    while two.ledger.log.sequencer.head.size < issued, ContinuousClock.now < following {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    // Both daemons append at once, several rounds: lost races, catch-ups, batches of both.
                    for round in 0..<4 {
                        let bodyA = try one.signExample("link-real-estate", as: "demo-bdc").canonicalBytes
                        let bodyB = try two.signExample("link-real-estate", as: "demo-bdc").canonicalBytes
                        async let a = one.post("/v1/submissions", bodyA)
                        async let b = two.post("/v1/submissions", bodyB)
                        let (answerA, answerB) = try await (a, b)
                        #expect(answerA.status == 201 && answerB.status == 201,
                                "round \(round): \(answerA.text) \(answerB.text)")
                    }
                    // Until both have followed the whole log.
                    let store = one.ledger.log.store
                    let deadline = ContinuousClock.now + .seconds(30)
                    var size = try #require(try await store.head()).size
                    while ContinuousClock.now < deadline, one.ledger.statusMap?.current.version != size
                            || two.ledger.statusMap?.current.version != size {
                        try await Task.sleep(for: .milliseconds(50))
                        size = try #require(try await store.head()).size
                    }
                    return (try #require(one.ledger.statusMap?.current), try #require(two.ledger.statusMap?.current))
                }
            }
            #expect(first.version == second.version && first.root == second.root, "\(first) \(second)")
            let store = try await shared.openStore()
            let stored = try await PostgresMapNodeStore.open(log: store, writable: false)
            #expect(try await stored.latestVersion(atMost: .max) == first.version)
            #expect(try await stored.root(atVersion: first.version) == first.root)
            // Every batch's version is stored with the root its map.root entry states, and the stored nodes of
            // the newest give that root.
            let checkpoints = try await store.checkpoints(from: 1, limit: 1_000)
            #expect(checkpoints.count >= 5)
            for checkpoint in checkpoints {
                #expect(try await stored.root(atVersion: checkpoint.size)
                        == (try await Self.statedRoot(store, size: checkpoint.size)), "version \(checkpoint.size)")
            }
            let nodes = try await stored.nodes(atVersion: first.version)
            #expect(try SparseMerkleMap(store: nodes, hasher: MapHasher()).root == first.root)
            await store.close()
        }
    }

    @Test func aStoredMapThatDisagreesWithTheLog_isRebuiltWithAWarning() async throws {
        try await PostgresTestLedger.with { shared in
            let final = try await shared.serve { server in
                try await StatusMapLedgerTests.submitHistory(server)
                return try #require(server.ledger.statusMap?.current)
            }
            // The tables damaged: the newest version's record names a root its nodes do not give.
            let store = try await shared.openStore()
            let stored = try await PostgresMapNodeStore.open(log: store, writable: true)
            try await stored.replace(with: MemoryMapNodeStore(), version: final.version,
                                     root: MapHasher().treeKey("not the map"))
            let (logger, lines) = Self.capturing()
            try await shared.serve(logger: logger) { server in
                let warnings = lines.atLeast(.warning)
                #expect(warnings.contains { $0.contains("disagrees with the log") && $0.contains("\(final.version)") },
                        "\(warnings)")
                let current = try #require(server.ledger.statusMap?.current)
                #expect(current.version == final.version && current.root == final.root)
            }
            #expect(try await stored.root(atVersion: final.version) == final.root)
            #expect(try SparseMerkleMap(store: try await stored.nodes(atVersion: final.version),
                                        hasher: MapHasher()).root == final.root)
            await store.close()
        }
    }

    /// As with SQLite (`WitnessCollectorTests`): under ingest, a question whose subjects did not change after the
    /// newest witnessed checkpoint is answered at that size, its map proofs read from the PostgreSQL tables.
    @Test func verify_isAnsweredAtTheWitnessedSize_forSubjectsUnchangedSinceIt() async throws {
        try await PostgresTestLedger.with { shared in
            let kept = Mutex<[Witness]>([])
            try await WitnessedLedger.run(witnesses: 2, quorum: 2, postgres: shared, prepare: { _, witnesses in
                kept.withLock { $0 = witnesses }
            }) { ledger in
                let server = ledger.server
                let issue = try await server.post("/v1/submissions", try server.signExample(
                    "license-issue", as: "demo-amr").canonicalBytes)
                #expect(issue.status == 201)
                let witnessedSize = server.ledger.log.snapshot.head.size
                _ = try #require(try await ledger.witnessedCheckpoint(atLeast: witnessedSize))
                for witness in kept.withLock({ $0 }) { await witness.close() }
                let seal = try await server.post("/v1/submissions", try server.signExample(
                    "seal-issue", as: "demo-psb").canonicalBytes)
                #expect(seal.status == 201)
                #expect(server.ledger.log.snapshot.head.size > witnessedSize)
                let vkey = try String(contentsOfFile: ledger.folder + "/checkpoint.vkey", encoding: .utf8)
                let check = try VerifierAnswerCheck(verifierKey: vkey.trimmingCharacters(in: .whitespacesAndNewlines))
                let question = #"{"subject":"license","uscc":"91350100MA2YDE7W7J"}"#
                let answer = try await server.post("/v1/verify", Array(question.utf8))
                #expect(answer.status == 200, "\(answer.text)")
                let checked = try check.check(answer.body)
                #expect(checked.answer.treeSize == witnessedSize)
                if case .witnessed = ledger.policy.check(Array(checked.answer.checkpoint.utf8)) {} else {
                    Issue.record("the answer's checkpoint must carry the witnesses' quorum")
                }
                let sealAnswer = try await server.post("/v1/verify", Array(
                    #"{"subject":"seal","sealId":"35010020260001"}"#.utf8))
                #expect(sealAnswer.status == 404 && sealAnswer.text.contains("retry"), "\(sealAnswer.text)")
            }
        }
    }

    /// A `certledgerd` killed with SIGKILL right after its last acknowledgement (map versions possibly still
    /// queued): after a restart every acknowledged batch's map root is provable, at every checkpointed size, and
    /// stored.
    @Test func killedDaemon_everyAcknowledgedBatchsMapRoot_isProvableAfterRestart() async throws {
        try await PostgresTestLedger.with { shared in
            let configPath = shared.folder + "/certledgerd.yaml"
            try shared.yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["--config", configPath], directory: shared.folder)
            let client = try LedgerHTTPClient(url: "http://127.0.0.1:\(try await daemon.waitForPort())",
                                              timeout: .seconds(30))
            var bodies = [try PostgresMultiDaemonTests.sign(shared, example: "license-issue", as: "demo-amr")]
            bodies += try (0..<12).map { _ in
                try PostgresMultiDaemonTests.sign(shared, example: "link-real-estate", as: "demo-bdc")
            }
            var acknowledged: UInt64 = 0
            for body in bodies {
                let answer = try await client.send("POST", "/v1/submissions",
                                                   headers: [("Content-Type", "application/json")], body: body)
                try #require(answer.status == 201, "\(answer.text)")
                let index = try JSONDecoder().decode(SubmissionAnswer.self, from: Data(answer.body)).entries[0].index
                acknowledged = max(acknowledged, index + 1)
            }
            daemon.kill()

            try await shared.serve { server in
                let map = try #require(server.ledger.statusMap)
                let store = server.ledger.log.store
                let checkpoints = try await store.checkpoints(from: 1, limit: 1_000).map(\.size)
                #expect(checkpoints.count >= bodies.count / 2)
                #expect((checkpoints.last ?? 0) > acknowledged, "the last acknowledged entry's batch closes later")
                let key = MapHasher().treeKey("license:" + StatusMapLedgerTests.license)
                let postgres = try await shared.openStore()
                let stored = try await PostgresMapNodeStore.open(log: postgres, writable: false)
                #expect(try await stored.latestVersion(atMost: .max) == checkpoints.last)
                for size in checkpoints {
                    let entry = try LogEntry(bytes: try #require(try await store.entries((size - 1)..<size).first))
                    let stated = try MapRootRecord(payload: entry.payload).root
                    let proven = try await map.proof(for: key, atSize: size)
                    #expect(proven?.root == stated, "size \(size)")
                    #expect(try await stored.root(atVersion: size) == stated, "stored version \(size)")
                }
                await postgres.close()
            }
        }
    }
}

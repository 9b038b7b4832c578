import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import Log
import LogPostgres
import Registry
import SignedNote
import Testing

/// Issue #7's acceptance test: three real `certledgerd` processes on one PostgreSQL ledger take concurrent signed
/// submissions; one of them is killed with SIGKILL in the middle of the load. Afterwards every acknowledged entry
/// is in the log at the index its sender was told, with the leaf hash it was told; there is no gap and no
/// duplicate; every checkpoint a sender was given is the one stored for its size; and the whole ledger passes the
/// full audit (chain, tiles, root, checkpoint, every signature, roles and the state machine).
@Suite(.serialized) struct PostgresMultiDaemonTests {
    /// One 201 answer.
    struct Ack: Sendable {
        let daemon: Int
        let index: UInt64
        let leafHash: String
        let entry: [UInt8]
        let treeSize: UInt64
        let checkpoint: String
    }

    @Test func threeDaemonsUnderLoad_oneKilled_loseNoAcknowledgedEntryAndPassTheAudit() async throws {
        try await PostgresTestLedger.with(followIntervalMilliseconds: 100) { ledger in
            let configPath = ledger.folder + "/certledgerd.yaml"
            try ledger.yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
            var daemons: [DaemonProcess] = []
            var ports: [Int] = []
            for _ in 0..<3 {
                let daemon = try DaemonProcess(arguments: ["--config", configPath], directory: ledger.folder)
                daemons.append(daemon)
                ports.append(try await daemon.waitForPort())
            }
            let victim = 2
            let victimPID = daemons[victim].process.processIdentifier
            let clientsPerDaemon = 3, perClient = 40
            let total = daemons.count * clientsPerDaemon * perClient
            // The license first (links need a live holder), then links signed ahead of the clock.
            let license = try Self.sign(ledger, example: "license-issue", as: "demo-amr")
            let issued = try await LedgerHTTPClient(url: "http://127.0.0.1:\(ports[0])")
                .send("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: license)
            try #require(issued.status == 201, "\(String(decoding: issued.body, as: UTF8.self))")
            let bodies = try (0..<total).map { _ in try Self.sign(ledger, example: "link-real-estate", as: "demo-bdc") }

            let acked = Tally()
            let killed = Tally()
            let acks = try await withThrowingTaskGroup(of: [Ack].self) { group in
                for (number, port) in ports.enumerated() {
                    for client in 0..<clientsPerDaemon {
                        let first = (number * clientsPerDaemon + client) * perClient
                        let mine = Array(bodies[first..<(first + perClient)])
                        group.addTask {
                            try await Self.load(daemon: number, port: port, bodies: mine, acked: acked)
                        }
                    }
                }
                // The killer: SIGKILL once a third of the load is acknowledged (mid-batch, most likely).
                group.addTask {
                    while acked.value < total / 3 { try await Task.sleep(for: .milliseconds(5)) }
                    kill(victimPID, SIGKILL)
                    killed.add()
                    return []
                }
                return try await group.reduce(into: [Ack]()) { $0 += $1 }
            }
            #expect(killed.value == 1)
            #expect(try await daemons[victim].waitForExit() != 0, "the victim died of SIGKILL")
            for (number, daemon) in daemons.enumerated() where number != victim {
                #expect(try await daemon.signal(SIGTERM) == 0, "graceful stop: \(daemon.standardError.suffix(2000))")
            }
            let byDaemon = (0..<3).map { n in acks.filter { $0.daemon == n }.count }
            print("three daemons on PostgreSQL: \(acks.count) of \(total) links acknowledged \(byDaemon), "
                  + "daemon \(victim) killed")
            #expect(byDaemon[0] == clientsPerDaemon * perClient && byDaemon[1] == clientsPerDaemon * perClient,
                    "the surviving daemons acknowledged all their submissions: \(byDaemon)")
            #expect(byDaemon[victim] > 0, "the victim took part before it was killed")
            try await Self.checkLog(ledger: ledger, acks: acks)
        }
    }

    /// Sends `bodies` one after another to one daemon; a non-201 answer or a dead connection is simply not
    /// acknowledged (a killed daemon's clients stop at the first connection error).
    static func load(daemon: Int, port: Int, bodies: [[UInt8]], acked: Tally) async throws -> [Ack] {
        let client = try LedgerHTTPClient(url: "http://127.0.0.1:\(port)", timeout: .seconds(30))
        var acks: [Ack] = []
        for body in bodies {
            let answer: HTTPClientResponse
            do {
                answer = try await client.send("POST", "/v1/submissions",
                                               headers: [("Content-Type", "application/json")], body: body)
            } catch {
                break
            }
            guard answer.status == 201 else { continue }
            let decoded = try JSONDecoder().decode(SubmissionAnswer.self, from: Data(answer.body))
            let entry = try #require(decoded.entries.first)
            acks.append(Ack(daemon: daemon, index: entry.index, leafHash: entry.leafHash,
                            entry: try #require(Base64.decode(entry.entry)), treeSize: decoded.treeSize,
                            checkpoint: decoded.checkpoint))
            acked.add()
        }
        return acks
    }

    /// Every acknowledgement against the stored log, then the full audit.
    static func checkLog(ledger: PostgresTestLedger, acks: [Ack]) async throws {
        let store = try await ledger.openStore()
        let key = try String(contentsOfFile: ledger.folder + "/checkpoint.vkey", encoding: .utf8)
        let verifier = try Ed25519NoteVerifier(verifierKey: key.trimmingCharacters(in: .whitespacesAndNewlines))
        let identity = LogIdentity(origin: DevelopmentLedger.origin, hashAlgorithm: .sha256, verifier: verifier)
        let size = try #require(try await store.head()).size
        let stored = try await store.entries(0..<size)
        let hasher = MerkleHasher(.sha256)
        #expect(Set(acks.map(\.index)).count == acks.count, "no index was acknowledged twice")
        for ack in acks {
            try #require(ack.index < size, "acknowledged index \(ack.index) is beyond the log's \(size) entries")
            #expect(stored[Int(ack.index)] == ack.entry, "entry \(ack.index) is what daemon \(ack.daemon) answered")
            #expect(hasher.leafHash(stored[Int(ack.index)]).base64 == ack.leafHash)
            // One checkpoint per size: the one a sender got is the one stored.
            #expect(try await store.checkpoint(size: ack.treeSize) == Array(ack.checkpoint.utf8),
                    "checkpoint at size \(ack.treeSize)")
        }
        // No submission twice (each link carries a fresh nonce) and no gap (entries reads 0..<size or throws). Map
        // roots repeat where a batch changed no subject.
        let submissions = stored.compactMap { try? LogEntry(bytes: $0).payload }.map(Array.init)
            .filter { !MapRootRecord.isMapRoot($0) }
        #expect(Set(submissions).count == submissions.count)
        // Every batch, whichever daemon wrote it, ends with a map root.
        for checkpoint in try await store.checkpoints(from: 1, limit: 100_000) {
            #expect(MapRootRecord.isMapRoot(try LogEntry(bytes: stored[Int(checkpoint.size) - 1]).payload),
                    "the tree of size \(checkpoint.size) ends with a map root")
        }
        // The full audit, as `certledger audit` runs it, the status map recomputed against every map root.
        let auditor = RegistryAuditor(identity: identity)
        auditor.keepStatusMap(try RecomputedStatusMap(store: MemoryMapNodeStore(), version: 0, versioned: false,
                                                      hasher: MapHasher()), hasher: MapHasher())
        let report = try await LogVerifier(store: store, identity: identity)
            .verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:))
        #expect(report.isValid, "\(report)")
        #expect(report.verifiedEntries == size)
        #expect(auditor.state.counts.licenses == 1)
        await store.close()
    }

    /// `Config/examples/<name>.json` signed by a demo department of the ledger, with a fresh nonce.
    static func sign(_ ledger: PostgresTestLedger, example name: String, as department: String) throws -> [UInt8] {
        let value = try JSONValue.parse(Array(try Data(contentsOf: DevLedgerServer.examples
            .appendingPathComponent(name + ".json"))))
        let key = try PrivateKey(pem: String(contentsOfFile: DevelopmentLedger.departmentKeyPath(
            folder: ledger.folder, id: department), encoding: .utf8))
        return try Submission.sign(kind: SubmissionKind(validating: value["kind"]?.stringValue ?? ""),
                                   department: DepartmentID(validating: department), key: key, nonce: .random(),
                                   recordJSON: value["record"] ?? .object([:])).canonicalBytes
    }
}

/// A counter shared by the load's tasks.
final class Tally: @unchecked Sendable {
    /// Guards `count`.
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

import ChildProcessSupport
import CanonicalJSON
import Foundation
import Hummingbird
import LedgerServer
import LogStoreContract
import SignedNote
import Testing

/// `certledger verify|checkpoint --witness-policy` (the built binary) against a daemon with in-process witnesses:
/// a witnessed answer passes, one without the policy's quorum is refused (exit 1 with the reason), an answer older
/// than `--max-age` is refused, and a genuine older answer replayed after a newer one is refused by the state file.
@Suite(.serialized) struct WitnessPolicyCLITests {
    static var certledger: String { DaemonProcess.executable.deletingLastPathComponent().path + "/certledger" }

    func run(_ arguments: [String], in folder: String) async throws -> ProgramRun {
        try await ProgramRun.run(Self.certledger, arguments, directory: folder)
    }

    @Test func verifyWithPolicy_acceptsAWitnessedAnswer_refusesWithoutQuorum_stale_andReplayed() async throws {
        // Cosignatures are asked for again only when the log grows, so their age grows while the test waits.
        try await WitnessedLedger.run(witnesses: 2, quorum: 2, configure: { $0.witnesses?.refreshSeconds = 600 }) {
            ledger in
            let server = ledger.server
            let folder = ledger.folder
            let url = "http://127.0.0.1:\(server.client.port)"
            let issue = try await server.post("/v1/submissions", try server.signExample("license-issue", as: "demo-amr")
                .canonicalBytes)
            #expect(issue.status == 201)
            let issuedAt = try #require(try JSONDecoder().decode(SubmissionBody.self, from: Data(issue.body))
                .entries.first?.index)
            _ = try #require(try await ledger.witnessedCheckpoint(atLeast: server.ledger.log.snapshot.head.size))
            try ledger.policy.text.write(toFile: folder + "/policy.txt", atomically: true, encoding: .utf8)
            let vkey = "@" + folder + "/checkpoint.vkey"
            let common = ["--server", url, "--verifier-key", vkey, "--witness-policy", folder + "/policy.txt"]

            let witnessed = try await run(["verify", "license", "91350100MA2YDE7W7J", "--save",
                                           folder + "/old-answer.json", "--proofs", folder + "/proofs",
                                           "--witness-state", folder + "/seen"] + common, in: folder)
            #expect(witnessed.status == 0, "\(witnessed.output) \(witnessed.errors)")
            #expect(witnessed.output.contains("witnessed: department-0"))

            // The filed-away proof of the deciding entry passes check-proof with the policy, offline.
            let proof = ["check-proof", "\(folder)/proofs/\(issuedAt).tlog-proof", "--entry",
                         "\(folder)/proofs/\(issuedAt).entry", "--verifier-key", vkey]
            let checked = try await run(proof + ["--witness-policy", folder + "/policy.txt"], in: folder)
            #expect(checked.status == 0, "\(checked.errors)")

            // The auditor through the public tiles: the served checkpoint must meet the policy.
            let audit = try await run(["audit", "--server", url, "--verifier-key", vkey, "--witness-policy",
                                 folder + "/policy.txt", "--state", folder + "/audit-state"], in: folder)
            #expect(audit.status == 0, "\(audit.output) \(audit.errors)")

            // A policy asking for a witness the ledger does not use: no quorum, exit 1 with the reason.
            let stranger = try Ed25519CosignatureSigner(name: "witness.elsewhere", privateKey: .generate(.ed25519))
            let strict = try WitnessPolicy(logVerifier: ledger.policy.logVerifier,
                                           witnesses: ledger.policy.witnesses
                                            + [.init(label: "elsewhere", verifier: stranger.verifier)],
                                           quorum: 3)
            try strict.text.write(toFile: folder + "/strict.txt", atomically: true, encoding: .utf8)
            let refused = try await run(["verify", "license", "91350100MA2YDE7W7J", "--server", url, "--verifier-key",
                                         vkey, "--witness-policy", folder + "/strict.txt"], in: folder)
            #expect(refused.status == 1)
            #expect(refused.errors.contains("NOT WITNESSED"))
            #expect(refused.errors.contains("the quorum is 3"))
            let strictProof = try await run(proof + ["--witness-policy", folder + "/strict.txt"], in: folder)
            #expect(strictProof.status == 1)
            #expect(strictProof.errors.contains("the quorum is 3"))
            let strictAudit = try await run(["audit", "--server", url, "--verifier-key", vkey, "--witness-policy",
                                       folder + "/strict.txt"], in: folder)
            #expect(strictAudit.status == 1)

            // Fresh enough for the default --max-age (10 minutes); too old for one of a second, two seconds later.
            let checkpoint = try await run(["checkpoint", "--server", url, "--witness-policy", folder + "/policy.txt"],
                                     in: folder)
            #expect(checkpoint.status == 0, "\(checkpoint.errors)")
            #expect(checkpoint.output.contains("witnessed: "))
            try await Task.sleep(for: .milliseconds(2_100))
            let stale = try await run(["checkpoint", "--server", url, "--witness-policy", folder + "/policy.txt",
                                 "--max-age", "1"], in: folder)
            #expect(stale.status == 1)
            #expect(stale.errors.contains("more than the allowed 1 s"))

            // A revocation grows the log; the state file remembers the newer witnessed checkpoint.
            let revoke = try server.signExample("license-revoke", as: "demo-amr") { record in
                record["subjectPrev"] = .number(Double(issuedAt))
            }
            let revoked = try await server.post("/v1/submissions", revoke.canonicalBytes)
            #expect(revoked.status == 201, "\(revoked.text) (subjectPrev \(issuedAt))")
            _ = try #require(try await ledger.witnessedCheckpoint(atLeast: server.ledger.log.snapshot.head.size))
            let now = try await run(["checkpoint", "--server", url, "--witness-policy", folder + "/policy.txt",
                               "--witness-state", folder + "/seen"], in: folder)
            #expect(now.status == 0, "\(now.errors)")

            // The old answer's checkpoint, replayed: genuine, witnessed, fresh enough — and refused as older.
            let old = try JSONDecoder().decode(OldAnswer.self,
                                               from: Data(contentsOf: URL(fileURLWithPath: folder + "/old-answer.json")))
            let replay = try await withReplayServer(checkpoint: Array(old.checkpoint.utf8)) { port in
                try await run(["checkpoint", "--server", "http://127.0.0.1:\(port)", "--witness-policy",
                         folder + "/policy.txt", "--witness-state", folder + "/seen"], in: folder)
            }
            #expect(replay.status == 1)
            #expect(replay.errors.contains("older than the newest witnessed checkpoint already seen"))
        }
    }

    struct OldAnswer: Decodable { let checkpoint: String }
}

/// A server answering `GET /checkpoint` with `checkpoint` (a genuine note, replayed) for the duration of `body`.
func withReplayServer<T: Sendable>(checkpoint: [UInt8], _ body: (Int) async throws -> T) async throws -> T {
    try await withLiveServer({ onRunning in
        let router = Router()
        router.get("/checkpoint") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: checkpoint)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port) },
                           logger: quietLogger("replay"))
    }) { client in try await body(client.port) }
}

import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import Log
import Registry
import LogStoreContract
import SignedNote
import Synchronization
import Testing
import Witness

/// The daemon with witnesses (DESIGN.md §9), over real sockets with in-process C2SP witnesses: the quorum is served at
/// `/checkpoint`, submissions never wait for witnesses unless asked, and witnesses that are down show in `/healthz`
/// and `/metrics` while submissions are still accepted.
@Suite(.serialized) struct WitnessCollectorTests {
    @Test func quorumReached_checkpointCarriesTheCosignatures_thatVerifyWithThePolicy() async throws {
        try await WitnessedLedger.run(witnesses: 3, quorum: 2) { ledger in
            let server = ledger.server
            let issue = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issue.status == 201)
            let size = ledger.server.ledger.log.snapshot.head.size
            let witnessed = try #require(try await ledger.witnessedCheckpoint(atLeast: size))
            #expect(witnessed.cosigners.count >= 2)
            // The ledger's own checkpoint of that size, without the cosignatures, does not meet the policy.
            let own = ledger.server.ledger.log.snapshot.checkpoint
            guard case .refused = ledger.policy.check(own) else {
                Issue.record("a checkpoint without cosignatures must not meet the policy")
                return
            }
            let metrics = try await server.client.http.send("GET", "/metrics").text
            #expect(metrics.contains("certledger_witness_up{witness=\"witness-0.example\"} 1"))
            #expect(metrics.contains("certledger_witnessed_size \(witnessed.checkpoint.size)"))
        }
    }

    /// With witnesses, a map proof is given at the newest witnessed size, its checkpoint carrying the cosignatures
    /// the verifying side's policy asks for; a size beyond it is not served yet.
    @Test func mapProof_isAtTheWitnessedSize_withTheCosignedCheckpoint() async throws {
        try await WitnessedLedger.run(witnesses: 2, quorum: 2) { ledger in
            let server = ledger.server
            let issue = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issue.status == 201)
            let size = server.ledger.log.snapshot.head.size
            let witnessed = try #require(try await ledger.witnessedCheckpoint(atLeast: size))
            let answer = try await server.client.http.send("GET", "/v1/map/proof?key=license:91350100MA2YDE7W7J")
            #expect(answer.status == 200, "\(answer.text)")
            let json = try JSONValue.parse(answer.body)
            #expect(json["size"]?.numberValue == Double(witnessed.checkpoint.size))
            let note = Array((json["checkpoint"]?.stringValue ?? "").utf8)
            guard case .witnessed(let cosigned) = ledger.policy.check(note) else {
                Issue.record("the map proof's checkpoint does not meet the witness policy")
                return
            }
            #expect(cosigned.checkpoint.size == witnessed.checkpoint.size)
            #expect(json["proof"]?["terminal"]?["key"]?.stringValue != nil, "the license is in the map")
        }
    }

    @Test func waitWitnessed_provesTheNewEntryAgainstAWitnessedCheckpoint() async throws {
        try await WitnessedLedger.run(witnesses: 2, quorum: 2) { ledger in
            let server = ledger.server
            let answer = try await server.client.http.send(
                "POST", "/v1/submissions?wait=witnessed", headers: [("Content-Type", "application/json")],
                body: try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(answer.status == 201)
            #expect(answer.header("CertLedger-Witnessed") == "true")
            let body = try JSONDecoder().decode(SubmissionBody.self, from: Data(answer.body))
            guard case .witnessed(let witnessed) = ledger.policy.check(Array(body.checkpoint.utf8)) else {
                Issue.record("the answer's checkpoint must meet the policy")
                return
            }
            #expect(witnessed.checkpoint.size == body.treeSize)
            let entry = try #require(body.entries.first)
            let leaf = try #require(Hash256(base64: entry.leafHash))
            let proof = entry.inclusionProof.compactMap { Hash256(base64: $0) }
            #expect(proof.count == entry.inclusionProof.count)
            let verdict = try MerkleHasher(.sha256).verifyInclusion(leafHash: leaf, index: entry.index,
                                                                    treeSize: body.treeSize, proof: proof,
                                                                    rootHash: witnessed.checkpoint.rootHash)
            #expect(verdict.isValid)
        }
    }

    /// Under ingest the state runs ahead of the witnesses: a question whose subjects did not change after the newest
    /// witnessed checkpoint is answered at that size, proven against the cosigned checkpoint and the status map of
    /// that size; a question about a subject that changed after it waits for the witnesses, then says "retry".
    @Test func verify_isAnsweredAtTheWitnessedSize_forSubjectsUnchangedSinceIt() async throws {
        let kept = Mutex<[Witness]>([])
        try await WitnessedLedger.run(witnesses: 2, quorum: 2, prepare: { _, witnesses in
            kept.withLock { $0 = witnesses }
        }) { ledger in
            let server = ledger.server
            let issue = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issue.status == 201)
            let witnessedSize = server.ledger.log.snapshot.head.size
            _ = try #require(try await ledger.witnessedCheckpoint(atLeast: witnessedSize))
            // The witnesses stop cosigning (their state files closed); the ledger goes on.
            for witness in kept.withLock({ $0 }) { await witness.close() }
            let seal = try await server.post("/v1/submissions",
                                             try server.signExample("seal-issue", as: "demo-psb").canonicalBytes)
            #expect(seal.status == 201)
            #expect(server.ledger.log.snapshot.head.size > witnessedSize)
            let vkey = try String(contentsOfFile: ledger.folder + "/checkpoint.vkey", encoding: .utf8)
            let check = try VerifierAnswerCheck(verifierKey: vkey.trimmingCharacters(in: .whitespacesAndNewlines))
            for question in [#"{"subject":"license","uscc":"91350100MA2YDE7W7J"}"#,
                             #"{"subject":"license","uscc":"91350200MA8RKN3QXH"}"#] {
                let answer = try await server.post("/v1/verify", Array(question.utf8))
                #expect(answer.status == 200, "\(answer.text)")
                let checked = try check.check(answer.body)
                #expect(checked.answer.treeSize == witnessedSize)
                guard case .witnessed = ledger.policy.check(Array(checked.answer.checkpoint.utf8)) else {
                    Issue.record("the answer's checkpoint must carry the witnesses' quorum")
                    continue
                }
            }
            // The seal was issued after the witnessed size: no witnessed checkpoint covers it yet.
            let sealAnswer = try await server.post("/v1/verify", Array(#"{"subject":"seal","sealId":"35010020260001"}"#.utf8))
            #expect(sealAnswer.status == 404 && sealAnswer.text.contains("retry"), "\(sealAnswer.text)")
        }
    }

    @Test func witnessesDown_submissionsAccepted_healthDegradedNamingTheWitnesses() async throws {
        try await WitnessedLedger.run(witnesses: 2, quorum: 1, down: [0, 1],
                                      configure: { $0.witnesses?.maxAgeSeconds = 1; $0.witnesses?.timeoutSeconds = 1 })
        { ledger in
            let server = ledger.server
            let issue = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issue.status == 201)
            let checkpoint = try await server.client.http.send("GET", "/checkpoint")
            #expect(checkpoint.status == 503)
            #expect(checkpoint.text.contains("not_witnessed"))
            // The client retries a refused connection until its timeout (1 s): the failure shows after that.
            var health = try await server.client.http.send("GET", "/healthz")
            let deadline = ContinuousClock.now + .seconds(10)
            while !health.text.contains("witness-1.example: unreachable"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                health = try await server.client.http.send("GET", "/healthz")
            }
            #expect(health.status == 200)
            #expect(health.text.contains("\"status\":\"degraded\""))
            #expect(health.text.contains("witness-0.example: unreachable"))
            #expect(health.text.contains("witness-1.example: unreachable"))
            let metrics = try await server.client.http.send("GET", "/metrics").text
            #expect(metrics.contains("certledger_witness_up{witness=\"witness-1.example\"} 0"))
            #expect(!metrics.contains("certledger_witness_failures_total{witness=\"witness-1.example\",reason=\"unreachable\"} 0"))
            let again = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(again.status != 503)
        }
    }

    @Test func witnessesThatCosignedBefore_answer409_andAreSentTheProofFromTheirSize() async throws {
        // Each witness already cosigned the ledger's head (as before a restart of the daemon, whose memory of their
        // sizes is gone): the collector's first `old 0` gets a 409 naming that size and is sent again from it.
        try await WitnessedLedger.run(witnesses: 2, quorum: 2, prepare: { ledger, witnesses in
            let note = try Note(parsing: ledger.log.snapshot.checkpoint)
            for witness in witnesses {
                let request = try AddCheckpointRequest(oldSize: 0, proof: [], note: note)
                #expect(await witness.addCheckpoint(body: request.bytes).status == 200)
            }
        }) { ledger in
            let server = ledger.server
            let before = server.ledger.log.snapshot.head.size
            _ = try #require(try await ledger.witnessedCheckpoint(atLeast: before))
            #expect(try await server.post("/v1/submissions", try server.signExample("license-issue", as: "demo-amr")
                .canonicalBytes).status == 201)
            let after = server.ledger.log.snapshot.head.size
            let witnessed = try #require(try await ledger.witnessedCheckpoint(atLeast: after))
            #expect(witnessed.checkpoint.size == after && after > before)
            let metrics = try await server.client.http.send("GET", "/metrics").text
            #expect(metrics.contains("certledger_witness_cosigned_size{witness=\"witness-1.example\"} \(after)"))
            #expect(metrics.contains(
                "certledger_witness_failures_total{witness=\"witness-1.example\",reason=\"conflict\"} 0"))
        }
    }

    @Test func idleLog_isCosignedAgain_withFreshTimestamps_andHealthIsOk() async throws {
        try await WitnessedLedger.run(witnesses: 1, quorum: 1, configure: { $0.witnesses?.maxAgeSeconds = 5 }) { ledger in
            let first = try #require(try await ledger.witnessedCheckpoint(atLeast: 1))
            // refreshSeconds is 1 here: within a few seconds the same checkpoint carries a newer cosignature.
            let deadline = ContinuousClock.now + .seconds(6)
            var refreshed = first
            while refreshed.quorumTime <= first.quorumTime, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                refreshed = try #require(try await ledger.witnessedCheckpoint(atLeast: 1))
            }
            #expect(refreshed.quorumTime > first.quorumTime)
            #expect(refreshed.checkpoint == first.checkpoint)
            let health = try await ledger.server.client.http.send("GET", "/healthz")
            #expect(health.text.contains("\"status\":\"ok\""))
            #expect(health.text.contains("\"witnessedSize\""))
        }
    }

    /// The whole data folder restored from a backup taken before the last submissions — the store and its records
    /// together, so neither record can tell — is refused at start by what the witnesses say they cosigned.
    @Test func restoredBackupOfTheWholeFolder_isRefusedAtStart_byTheWitnessesSize() async throws {
        var captured: ServerConfig?
        var backup = ""
        defer { if !backup.isEmpty { try? FileManager.default.removeItem(atPath: backup) } }
        try await WitnessedLedger.run(witnesses: 2, quorum: 2, configure: { config in
            backup = config.data + "-backup"
            try? FileManager.default.copyItem(atPath: config.data, toPath: backup)
            captured = config
        }) { ledger in
            let server = ledger.server
            let issue = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issue.status == 201)
            let size = server.ledger.log.snapshot.head.size
            _ = try #require(try await ledger.witnessedCheckpoint(atLeast: size))
            let restored = DevelopmentLedger.config(folder: backup, base: try #require(captured))
            let error = try await #require(throws: LedgerServerError.self) {
                _ = try await Ledger.open(config: restored, metrics: ServerMetrics(), logger: quietLogger("test"))
            }
            #expect(error.code == .refusedStore)
            #expect(error.field == "witnesses.members")
            #expect(error.reason.contains("has cosigned size \(size)"), "\(error.reason)")
        }
    }

    @Test func storeBehindTheWitnessedCheckpoint_isRefusedAtStart_namingTheWitnessedSize() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-wit-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = DevelopmentLedger.config(folder: folder)
        try await DevelopmentLedger.createIfMissing(config: config, logger: quietLogger("test"))
        let witnessKey = try PrivateKey.generate(.ed25519)
        let witness = try Ed25519CosignatureSigner(name: "witness.example", privateKey: witnessKey)
        config.witnesses = ServerConfig.Witnesses(members: [
            .init(url: "http://127.0.0.1:1", verifierKey: witness.verifier.verifierKey),
        ])
        // What witnesses cosigned once: a tree larger than the store now holds (as after restoring an old backup).
        let signerKey = try String(contentsOfFile: config.resolve(config.keys.checkpoint), encoding: .utf8)
        let signer = try Ed25519NoteSigner(signerKey: signerKey.trimmingCharacters(in: .whitespacesAndNewlines))
        let future = try Checkpoint(origin: signer.name, size: 1_000,
                                    rootHash: Hash256(bytes: [UInt8](repeating: 7, count: 32))!)
        let cosigned = try SignedCheckpoint.sign(future, with: signer).cosigned(by: witness)
        try CheckpointRecord(path: config.resolve("witnessed-checkpoint")).write(cosigned.bytes)
        let error = try await #require(throws: LedgerServerError.self) {
            _ = try await Ledger.open(config: config, metrics: ServerMetrics(), logger: quietLogger("test"))
        }
        #expect(error.code == .refusedStore)
        #expect(error.field == "witnesses.witnessedCheckpoint")
        #expect(error.reason.contains("size 1000"))
    }
}

@Suite struct WitnessesConfigTests {
    let key = try! Ed25519CosignatureSigner(name: "w.example", privateKey: .generate(.ed25519)).verifier.verifierKey

    @Test func witnesses_decodeWithTheirDefaults() throws {
        let config = try ServerConfig(yaml: """
            witnesses:
              members:
                - {url: "http://127.0.0.1:7380", verifierKey: "\(key)"}
            """)
        let witnesses = try #require(config.witnesses)
        #expect(witnesses.quorum == 1 && witnesses.intervalMilliseconds == 1_000 && witnesses.refreshSeconds == 60)
        #expect(witnesses.witnessedCheckpoint == "witnessed-checkpoint")
        #expect(try witnesses.verifiers().map(\.verifierKey) == [key])
    }

    @Test(arguments: [
        ("witnesses: {members: [{url: 'http://a:1', verifierKey: 'KEY'}], quorum: 2}", "witnesses.quorum"),
        ("witnesses: {members: [{url: 'http://a:1', verifierKey: 'nope'}]}", "witnesses.members[0].verifierKey"),
        ("witnesses: {members: [{url: 'ftp://a:1', verifierKey: 'KEY'}]}", "witnesses.members[0].url"),
        ("witnesses: {members: [{url: 'http://a:1', verifierKey: 'KEY'}], quorom: 1}", "witnesses.quorom"),
        ("witnesses: {quorum: 1}", "witnesses.members"),
    ])
    func badWitnesses_areRefusedNamingTheKey(yaml: String, field: String) throws {
        let error = try #require(throws: LedgerServerError.self) {
            try ServerConfig(yaml: yaml.replacingOccurrences(of: "KEY", with: key))
        }
        #expect(error.field == field, "\(error)")
    }
}

struct SubmissionBody: Decodable {
    struct Entry: Decodable {
        let index: UInt64
        let leafHash: String
        let inclusionProof: [String]
    }
    let checkpoint: String
    let entries: [Entry]
    let treeSize: UInt64
}

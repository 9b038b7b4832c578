import Foundation
import LedgerClient
import LedgerCrypto
import SignedNote
import Testing
import Witness

/// The built `certledger witness serve`, killed with SIGKILL while two inconsistent branches of one log race to be
/// cosigned, then restarted: it must never have cosigned both branches, nor forgotten a cosignature it gave.
@Suite(.serialized) struct WitnessCrashTests {
    /// What the clients were told, in order.
    actor Acknowledgements {
        struct Ack {
            let branch: Int
            let size: Int
            let note: Note
            let line: String
        }
        var all: [Ack] = []
        func add(_ ack: Ack) { all.append(ack) }
        var count: Int { all.count }
    }

    /// One client driving `log` forward from what the witness says, until `stop` or the server goes away.
    static func drive(branch: Int, log: TestLog, port: Int, acks: Acknowledgements,
                      stop: @escaping @Sendable () async -> Bool) async {
        let client = LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port), timeout: .seconds(10))
        var old = 0
        var failures = 0
        while failures < 3, old < log.entries.count, !(await stop()) {
            let target = min(old + Int.random(in: 1...3), log.entries.count)
            guard let note = try? log.checkpoint(target),
                  let request = try? AddCheckpointRequest(oldSize: UInt64(old), proof: log.proof(from: old, to: target),
                                                          note: note)
            else { return }
            do {
                let response = try await client.send("POST", "/add-checkpoint", body: request.bytes)
                switch response.status {
                case 200:
                    await acks.add(.init(branch: branch, size: target, note: note, line: response.text))
                    old = target
                case 409:
                    old = Int(response.text.dropLast()) ?? old
                default:
                    break
                }
            } catch {
                failures += 1
            }
        }
    }

    /// Two clients per branch against a witness on `port`, until `stop`.
    static func race(_ branches: [TestLog], port: Int, acks: Acknowledgements,
                     stop: @escaping @Sendable () async -> Bool) async {
        await withTaskGroup(of: Void.self) { group in
            for (branch, log) in branches.enumerated() {
                for _ in 0..<2 {
                    group.addTask { await drive(branch: branch, log: log, port: port, acks: acks, stop: stop) }
                }
            }
        }
    }

    @Test func sigkillMidRequest_neverCosignsTwoBranches_andKeepsEveryAcknowledgedSize() async throws {
        try await withTemporaryDirectory { folder in
            let data = folder + "/witness"
            let rounds = ProcessInfo.processInfo.environment["CERTLEDGER_WITNESS_CRASH_ROUNDS"].flatMap { Int($0) } ?? 3
            // Room for 15 cosignatures of at most 3 entries per round, past the fork point.
            let honest = try TestLog.make(count: 100 + 60 * rounds)
            let forkPoint = 60
            let fork = honest.forking(at: forkPoint)
            let initialized = try await runProduct("certledger",
                                                   ["witness", "init", "--data", data, "--name", "example.org/w"])
            try #require(initialized.status == 0, "\(initialized.err)")
            let vkey = try Ed25519CosignatureVerifier(verifierKey: initialized.out.trimmingCharacters(in: .newlines))
            let added = try await runProduct("certledger", ["witness", "add-log", "--data", data, "--vkey",
                                                            honest.verifier.verifierKey])
            try #require(added.status == 0, "\(added.err)")

            let acks = Acknowledgements()
            let originHash = HashAlgorithm.sha256.hash(Array(TestLog.origin.utf8)).hex
            // Each round: a fresh process must hold every size acknowledged so far, then is killed with SIGKILL
            // once 15 more cosignatures are out, while requests of both branches are still in flight.
            for round in 0..<rounds {
                let server = try WitnessServeProcess(data: data)
                defer { server.kill() }
                let port = try await server.waitForPort()
                let acknowledged = await acks.all.map(\.size).max() ?? 0
                if round > 0 {
                    let client = LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
                    let stored = try await client.send("GET", "/\(originHash)/checkpoint")
                    #expect(stored.status == 200)
                    let kept = try SignedCheckpoint(opening: stored.body, logVerifier: honest.verifier,
                                                    witnesses: [vkey])
                    #expect(kept.checkpoint.size >= UInt64(acknowledged),
                            "round \(round): acknowledged \(acknowledged), kept \(kept.checkpoint.size)")
                }
                let target = await acks.count + 15
                async let raced: Void = Self.race([honest, fork], port: port, acks: acks, stop: { false })
                let roundDeadline = ContinuousClock.now + .seconds(60)
                while await acks.count < target, server.process.isRunning, ContinuousClock.now < roundDeadline {
                    try await Task.sleep(for: .milliseconds(2))
                }
                server.kill()
                await raced
                #expect(await acks.count >= target, "round \(round): too few cosignatures before the kill")
            }

            // A last, graceful run.
            let last = try WitnessServeProcess(data: data)
            defer { last.kill() }
            let port = try await last.waitForPort()
            let deadline = ContinuousClock.now + .seconds(1)
            await Self.race([honest, fork], port: port, acks: acks, stop: { ContinuousClock.now > deadline })
            #expect(try await last.terminate() == 0, "\(last.standardError)")

            // Every acknowledgement is a valid cosignature of its checkpoint, and all of them lie on one branch.
            let all = await acks.all
            for ack in all {
                let note = try Note(parsing: ack.note.bytes + Array(ack.line.utf8))
                _ = try SignedCheckpoint(opening: note.bytes, logVerifier: honest.verifier, witnesses: [vkey])
            }
            let branches = Set(all.filter { $0.size > forkPoint }.map(\.branch))
            #expect(branches.count <= 1, "cosigned checkpoints of both branches past the fork")
            #expect(all.contains { $0.size > forkPoint }, "no branch got past the fork point")
            let evidence = (try? FileManager.default.contentsOfDirectory(atPath: data + "/evidence")) ?? []
            #expect(!evidence.isEmpty, "the losing branch proved a fork but no evidence was kept")
        }
    }

    @Test func addLog_whileServing_isFollowedAtTheNextRequest_andSIGTERMStopsCleanly() async throws {
        try await withTemporaryDirectory { folder in
            let data = folder + "/witness"
            let log = try TestLog.make(count: 9)
            try #require(try await runProduct("certledger", ["witness", "init", "--data", data, "--name",
                                                             "example.org/w"])
                .status == 0)
            let server = try WitnessServeProcess(data: data)
            defer { server.kill() }
            let port = try await server.waitForPort()
            let client = LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
            let before = try await client.send("POST", "/add-checkpoint", body: try log.request(from: 0, to: 9).bytes)
            #expect(before.status == 404)
            let added = try await runProduct("certledger", ["witness", "add-log", "--data", data, "--vkey",
                                                            log.verifier.verifierKey])
            #expect(added.status == 0, "\(added.err)")
            let after = try await client.send("POST", "/add-checkpoint", body: try log.request(from: 0, to: 9).bytes)
            #expect(after.status == 200)
            let metrics = try await client.send("GET", "/metrics")
            #expect(metrics.text.contains("certledger_witness_refusals_total{reason=\"unknown_origin\"} 1"))
            #expect(metrics.text.contains("certledger_witness_cosigned_total 1"))
            #expect(try await server.terminate() == 0)
        }
    }
}

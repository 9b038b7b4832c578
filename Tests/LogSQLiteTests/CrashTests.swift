import ChildProcessSupport
import Foundation
import Testing
import LedgerCrypto
import Log
import LogSQLite
import SignedNote

/// Issue #3 item 4: a real child process appends under load and is killed with SIGKILL at random moments; after
/// every kill the store is reopened and must hold every acknowledged entry at its index with its bytes, prove
/// itself consistent with its last checkpoint, verify end to end, and accept appends again.
@Suite(.serialized) struct CrashTests {
    /// Kill rounds; `CERTLEDGER_CRASH_ROUNDS` raises it for a long run (Scripts/crash-trials).
    var rounds: Int { Int(ProcessInfo.processInfo.environment["CERTLEDGER_CRASH_ROUNDS"] ?? "") ?? 8 }

    @Test func sigkillUnderLoad_losesNoAcknowledgedEntry() async throws {
        let folder = NSTemporaryDirectory() + "certledger-crash-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var acknowledged: [UInt64: (leaf: String, n: Int)] = [:]
        var sizes: [UInt64] = []
        for round in 0..<rounds {
            var args = ["log-writer", "--data", folder, "--start", String(round * 10_000_000), "--concurrency", "16"]
            if round == 0 { args.append("--create") }
            let child = try ChildProcess(product: "certledger-bench", arguments: args)
            // Wait until it is appending, then let it run a random while and kill it mid-flight.
            let deadline = ContinuousClock.now + .seconds(60)
            var ready = false
            var lines: [String] = []
            while !ready, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
                lines += child.takeLines()
                ready = lines.contains { $0.hasPrefix("READY") }
                if !child.process.isRunning { break }
            }
            try #require(ready, "writer did not start: \(child.standardError)")
            // Let it acknowledge something (a loaded CI machine may be slow), then a random while more, then kill.
            while !lines.contains(where: { $0.hasPrefix("ACK ") }), ContinuousClock.now < deadline,
                  child.process.isRunning {
                try await Task.sleep(for: .milliseconds(5))
                lines += child.takeLines()
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300)))
            child.kill()
            lines += child.takeLines()
            var roundAcks = 0
            var thisRound: [UInt64] = []
            for line in lines where line.hasPrefix("ACK ") {
                let parts = line.split(separator: " ")
                try #require(parts.count == 4, "bad line \(line)")
                let index = try #require(UInt64(parts[1]))
                #expect(acknowledged[index] == nil, "index \(index) acknowledged twice")
                acknowledged[index] = (String(parts[2]), try #require(Int(parts[3])))
                thisRound.append(index)
                roundAcks += 1
            }

            // Reopen as a fresh process would, and prove everything.
            let skey = try String(contentsOfFile: folder + "/checkpoint.skey", encoding: .utf8)
            let signer = try Ed25519NoteSigner(signerKey: skey)
            let identity = LogIdentity(origin: signer.name, hashAlgorithm: .sha256, verifier: signer.verifier)
            let store = try await SQLiteLogStore.open(path: folder + "/log.sqlite")
            let head = try await TreeHead.load(from: store, identity: identity)
            let hasher = MerkleHasher(.sha256)
            // This round's acknowledgements every round; all of them whenever the full verification runs.
            let fullRound = rounds <= 20 || round % 10 == 9 || round == rounds - 1
            let toCheck = fullRound ? Array(acknowledged.keys) : thisRound
            for index in toCheck {
                let ack = acknowledged[index]!
                try #require(index < head.size, "acknowledged entry \(index) lost: size is \(head.size)")
                let bytes = try #require(try await store.entries(index..<(index + 1)).first)
                #expect(hasher.leafHash(bytes).base64 == ack.leaf, "entry \(index) changed")
                let entry = try LogEntry(bytes: bytes)
                #expect(String(decoding: entry.payload, as: UTF8.self).hasSuffix(#""n":\#(ack.n)}"#))
            }
            // The full streaming verification every round for short runs; every 10th and the last for long ones
            // (it reads the whole log, so doing it each of 100 rounds would be quadratic).
            if fullRound {
                let report = try await LogVerifier(store: store, identity: identity).verify()
                #expect(report.isValid, "round \(round): \(report)")
                #expect(report.verifiedEntries == head.size)
            }
            sizes.append(head.size)
            #expect(roundAcks > 0, "round \(round) acknowledged nothing before the kill")
        }
        // The log grew across rounds (sequencing resumed after every crash) and acknowledged things.
        #expect(sizes == sizes.sorted())
        #expect(!acknowledged.isEmpty)
        #expect((sizes.last ?? 0) > (sizes.first ?? 0))
        print("crash rounds: \(rounds), acknowledged entries checked: \(acknowledged.count), final size: "
            + "\(sizes.last ?? 0), lost: 0")
    }
}

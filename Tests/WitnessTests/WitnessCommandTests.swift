import Foundation
import LedgerCrypto
import Log
import SignedNote
import Testing
import Witness

/// `certledger witness init | add-log` and `certledger check-fork`, run as the built binary.
@Suite struct WitnessCommandTests {
    @Test func init_writesAPrivateKeyFile_andPrintsTheCosignatureVerifierKey() async throws {
        try await withTemporaryDirectory { folder in
            let data = folder + "/w"
            let created = try await runProduct("certledger", ["witness", "init", "--data", data, "--name",
                                                              "example.org/w1"])
            #expect(created.status == 0, "\(created.err)")
            let vkey = created.out.trimmingCharacters(in: .newlines)
            let verifier = try Ed25519CosignatureVerifier(verifierKey: vkey)
            #expect(verifier.name == "example.org/w1")
            let attributes = try FileManager.default.attributesOfItem(atPath: data + "/witness.key")
            let mode = attributes[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try String(contentsOfFile: data + "/witness.vkey", encoding: .utf8) == vkey + "\n")
            let again = try await runProduct("certledger", ["witness", "init", "--data", data, "--name",
                                                            "example.org/w1"])
            #expect(again.status == 2)
            #expect(again.err.contains("exists"))
        }
    }

    @Test func addLog_readsTheKeyFromAFile_andIsIdempotent() async throws {
        try await withTemporaryDirectory { folder in
            let data = folder + "/w"
            _ = try await runProduct("certledger", ["witness", "init", "--data", data, "--name", "example.org/w1"])
            let log = try TestLog.make(count: 1)
            try (log.verifier.verifierKey + "\n").write(toFile: folder + "/log.vkey", atomically: true, encoding: .utf8)
            let added = try await runProduct("certledger", ["witness", "add-log", "--data", data,
                                                            "--vkey", "@" + folder + "/log.vkey"])
            #expect(added.status == 0, "\(added.err)")
            #expect(added.out.hasPrefix("following \(TestLog.origin)"))
            let again = try await runProduct("certledger", ["witness", "add-log", "--data", data,
                                                            "--vkey", log.verifier.verifierKey])
            #expect(again.status == 0)
            #expect(again.out.hasPrefix("already following"))
            let bad = try await runProduct("certledger", ["witness", "add-log", "--data", data, "--vkey", "nonsense"])
            #expect(bad.status == 2)
            let store = try await WitnessStore.open(path: data + "/witness.sqlite")
            #expect(try await store.logs().map(\.origin) == [TestLog.origin])
            await store.close()
        }
    }

    @Test func checkFork_acceptsKeptEvidence_andRefusesWhatIsNoFork() async throws {
        try await withTemporaryDirectory { folder in
            let log = try TestLog.make(count: 30)
            let witness = try await makeWitness(in: folder + "/w", following: [log])
            #expect(await witness.add(try log.request(from: 0, to: 12)).status == 200)
            let rewritten = log.rewriting(0, with: Array("genesis, rewritten".utf8))
            #expect(await witness.add(try rewritten.request(from: 12, to: 30)).status == 422)
            let file = witness.directory.evidencePath + "/" + (try #require(witness.evidenceFiles().first))
            await witness.close()
            let vkeyFile = folder + "/log.vkey"
            try log.verifier.verifierKey.write(toFile: vkeyFile, atomically: true, encoding: .utf8)

            let proven = try await runProduct("certledger", ["check-fork", file, "--vkey", "@" + vkeyFile])
            #expect(proven.status == 0, "\(proven.out) \(proven.err)")
            #expect(proven.out.hasPrefix("FORK PROVEN (inconsistent-proof)"))

            // Against a key that signed neither checkpoint: not proven.
            let stranger = try fixedSigner(TestLog.origin, seed: 31).verifier.verifierKey
            #expect(try await runProduct("certledger", ["check-fork", file, "--vkey", stranger]).status == 1)

            // Evidence whose proof was swapped for an honest one: the checkpoints are then shown consistent? No —
            // the second is the rewritten tree; an honest proof cannot reproduce its root: not proven.
            var evidence = try ForkEvidence(fileBytes: Array(try #require(FileManager.default.contents(atPath: file))))
            evidence = ForkEvidence(origin: evidence.origin, kind: evidence.kind, first: evidence.first,
                                    second: evidence.second, proof: try log.proof(from: 12, to: 30))
            let swapped = folder + "/swapped.json"
            _ = FileManager.default.createFile(atPath: swapped,
                contents: Data(evidence.fileBytes(detectedAt: Date(), witness: "test", claim: "swapped")))
            #expect(try await runProduct("certledger", ["check-fork", swapped, "--vkey", "@" + vkeyFile]).status == 1)

            // Two honest checkpoints are no fork.
            let honest = ForkEvidence(origin: TestLog.origin, kind: .inconsistentProof, first: try log.checkpoint(12),
                                      second: try log.checkpoint(30), proof: try log.proof(from: 12, to: 30))
            let honestFile = folder + "/honest.json"
            _ = FileManager.default.createFile(atPath: honestFile,
                contents: Data(honest.fileBytes(detectedAt: Date(), witness: "test", claim: "none")))
            let notFork = try await runProduct("certledger", ["check-fork", honestFile, "--vkey", "@" + vkeyFile])
            #expect(notFork.status == 1)
            #expect(notFork.out.contains("consistent"))

            // Not an evidence file: usage error.
            try "{}".write(toFile: folder + "/empty.json", atomically: true, encoding: .utf8)
            let usage = try await runProduct("certledger", ["check-fork", folder + "/empty.json", "--vkey",
                                                            "@" + vkeyFile])
            #expect(usage.status == 2)
        }
    }

    @Test(arguments: [["witness"], ["witness", "init"], ["witness", "add-log"], ["witness", "serve"], ["check-fork"]])
    func everyWitnessCommand_explainsItselfInHelp(_ command: [String]) async throws {
        let help = try await runProduct("certledger", command + ["--help"])
        #expect(help.status == 0)
        #expect(help.out.contains("OVERVIEW:"))
        #expect(help.out.count > 300)
    }
}

import Foundation
import LedgerClient
import LedgerCrypto
import Log
import SignedNote
import Testing
import Witness

/// The witness beside a real ledger: the `certledgerd --dev` binary's own checkpoints and consistency proofs, its
/// `checkpoint.vkey` trusted with `certledger witness add-log`, the witness run as `certledger witness serve`.
@Suite(.serialized) struct WitnessLedgerTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct ConsistencyAnswer: Decodable {
        let proof: [String]
    }

    @Test func realLedgerCheckpoints_areCosigned_fromTheFirstToTheNextThroughItsOwnProof() async throws {
        try await withTemporaryDirectory { folder in
            try FileManager.default.createSymbolicLink(atPath: folder + "/Config",
                withDestinationPath: Self.repository.appendingPathComponent("Config").path)
            let daemon = try WitnessServeProcess(product: "certledgerd", arguments: ["--dev", "--port", "0"],
                                                 directory: folder, readyPrefixes: ["certledgerd listening on"])
            defer { daemon.kill() }
            let ledgerPort = try await daemon.waitForPort()
            let vkeyPath = folder + "/dev-ledger/checkpoint.vkey"
            let logVerifier = try Ed25519NoteVerifier(
                verifierKey: try String(contentsOfFile: vkeyPath, encoding: .utf8).trimmingCharacters(in: .newlines))

            let data = folder + "/witness"
            let created = try await runProduct("certledger", ["witness", "init", "--data", data, "--name",
                                                              "example.org/w"])
            try #require(created.status == 0, "\(created.err)")
            let witnessKey = try Ed25519CosignatureVerifier(verifierKey: created.out.trimmingCharacters(in: .newlines))
            let added = try await runProduct("certledger", ["witness", "add-log", "--data", data, "--vkey",
                                                            "@" + vkeyPath])
            try #require(added.status == 0, "\(added.err)")
            let server = try WitnessServeProcess(data: data)
            defer { server.kill() }
            let witnessPort = try await server.waitForPort()
            let witness = LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: witnessPort))
            let ledger = LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: ledgerPort))

            // The ledger's first checkpoint, taken on trust.
            let first = try await ledger.send("GET", "/checkpoint").body
            let size1 = try SignedCheckpoint(opening: first, logVerifier: logVerifier).checkpoint.size
            #expect(size1 > 0)
            let answer1 = try await witness.send("POST", "/add-checkpoint", body: Array("old 0\n\n".utf8) + first)
            #expect(answer1.status == 200, "\(answer1.text)")
            _ = try SignedCheckpoint(opening: first + answer1.body, logVerifier: logVerifier, witnesses: [witnessKey])

            // One more entry (a department registered with the dev operator key), then the next checkpoint with the
            // ledger's own consistency proof.
            let env = ["CERTLEDGER_SERVER": "http://127.0.0.1:\(ledgerPort)",
                       "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            let keygen = try await runProduct("certledger", ["keygen", "--out", "keys/xm-test"], environment: env,
                                              directory: folder)
            try #require(keygen.status == 0, "\(keygen.err)")
            let register = try await runProduct("certledger", [
                "register", "--id", "xm-test", "--name-zh", "测试部门", "--name-en", "Test Department",
                "--role", "license-issuer", "--public-key", "keys/xm-test.pub", "--operator", "demo-ledger",
                "--operator-key", "dev-ledger/departments/demo-ledger.key", "--verifier-key", "@" + vkeyPath,
            ], environment: env, directory: folder)
            try #require(register.status == 0, "\(register.out) \(register.err)")
            let second = try await ledger.send("GET", "/checkpoint").body
            let size2 = try SignedCheckpoint(opening: second, logVerifier: logVerifier).checkpoint.size
            #expect(size2 > size1)
            let consistency = try await ledger.send("GET", "/v1/proofs/consistency?from=\(size1)&to=\(size2)")
            try #require(consistency.status == 200, "\(consistency.text)")
            let proof = try JSONDecoder().decode(ConsistencyAnswer.self, from: Data(consistency.body)).proof
            let body = Array(("old \(size1)\n" + proof.map { $0 + "\n" }.joined() + "\n").utf8) + second
            let answer2 = try await witness.send("POST", "/add-checkpoint", body: body)
            #expect(answer2.status == 200, "\(answer2.text)")
            _ = try SignedCheckpoint(opening: second + answer2.body, logVerifier: logVerifier, witnesses: [witnessKey])

            // The first checkpoint again is now stale: 409 with the witnessed size.
            let stale = try await witness.send("POST", "/add-checkpoint", body: Array("old 0\n\n".utf8) + first)
            #expect(stale.status == 409)
            #expect(stale.text == "\(size2)\n")
            #expect(try await server.terminate() == 0)
            #expect(try await daemon.terminate() == 0)
        }
    }
}

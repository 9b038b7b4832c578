import ChildProcessSupport
import Foundation
import LedgerClient
import SignedNote
import Testing

/// `certledgerd --dev --dev-witnesses` (the built binary): two demo witnesses in the daemon's process cosign its
/// checkpoints at once, under the policy file written next to the dev ledger, labelled as demo everywhere (their
/// names, the start-up warning, `/healthz`); a restart reopens the same witnesses and their state.
@Suite(.serialized) struct DevWitnessesTests {
    private func get(_ port: Int, _ path: String) async throws -> HTTPClientResponse {
        try await LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port)).send("GET", path)
    }

    /// Polls `/checkpoint` until it verifies under `policy` at `size` or more (30 s at most).
    private func witnessed(_ port: Int, _ policy: WitnessPolicy, atLeast size: UInt64) async throws
        -> WitnessedCheckpoint? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let answer = try await get(port, "/checkpoint")
            if answer.status == 200, case .witnessed(let witnessed) = policy.check(answer.body),
               witnessed.checkpoint.size >= size {
                return witnessed
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func devWitnesses_cosignAtOnce_labelledAsDemo_andSurviveARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledgerd-demo-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let policyPath = folder + "/dev-ledger/demo-witness-policy.txt"

        let daemon = try DaemonProcess(arguments: ["--dev", "--dev-witnesses", "--port", "0"], directory: folder)
        let port = try await daemon.waitForPort()
        let policyText = try String(contentsOfFile: policyPath, encoding: .utf8)
        let policy = try WitnessPolicy(parsing: policyText)
        #expect(policy.quorum == 2 && policy.witnesses.map(\.label) == ["demo-witness-1", "demo-witness-2"])
        #expect(policyText.contains("DEMO"))
        let first = try #require(try await witnessed(port, policy, atLeast: 12))
        #expect(first.cosigners.count == 2)
        let note = String(decoding: first.signed.bytes, as: UTF8.self)
        #expect(note.contains("— demo-witness-1.dev.certledger.invalid ") && note.contains("— demo-witness-2.dev."))
        let health = try await get(port, "/healthz")
        #expect(health.status == 200)
        #expect(health.text.contains("\"witnessNote\":\"demo witnesses in this process"), "\(health.text)")
        #expect(health.text.contains("share the operator's trust domain"))

        // The CLI checks the cosignatures with the dev ledger's demo policy file.
        let checkpoint = try await ProgramRun.run(WitnessPolicyCLITests.certledger,
                                        ["checkpoint", "--server", "http://127.0.0.1:\(port)", "--witness-policy",
                                         policyPath], directory: folder)
        #expect(checkpoint.status == 0, "\(checkpoint.errors)")
        #expect(checkpoint.output.contains("witnessed: demo-witness-1 at"), "\(checkpoint.output)")
        #expect(try await daemon.signal(SIGTERM) == 0)
        #expect(daemon.standardError.contains("DEMO WITNESSES"))
        #expect(daemon.standardError.contains("share the operator's trust domain"))

        // Restarted: the same witnesses (the policy file is unchanged) cosign again, from their kept state.
        let second = try DaemonProcess(arguments: ["--dev", "--dev-witnesses", "--port", "0"], directory: folder)
        let again = try await second.waitForPort()
        #expect(try String(contentsOfFile: policyPath, encoding: .utf8) == policyText)
        let later = try #require(try await witnessed(again, policy, atLeast: first.checkpoint.size))
        #expect(later.checkpoint.size >= first.checkpoint.size)
        #expect(try await second.signal(SIGTERM) == 0)

        // Without the flag the same dev ledger serves its own signature only, as before.
        let plain = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        let plainPort = try await plain.waitForPort()
        let health2 = try await get(plainPort, "/healthz")
        #expect(!health2.text.contains("witnessNote"))
        #expect(try await plain.signal(SIGTERM) == 0)
    }
}

import ChildProcessSupport
import Foundation
import LedgerCrypto
import SignedNote
import Testing

/// `certledger-bench ack-to-witnessed`, the delay probe of `Scripts/bench-witness`, against a real
/// `certledgerd --dev --dev-witnesses`: every probe submission gets one delay, measured to a checkpoint that verifies
/// under the policy; a policy the served checkpoints do not meet fails the run instead of timing anything.
@Suite(.serialized) struct AckToWitnessedTests {
    private static var bench: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("certledger-bench").path
    }

    private static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/examples").path
    }

    @Test func everyProbeIsTimedToAWitnessedCheckpoint_andAnUnmetPolicyFailsTheRun() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ack-witnessed-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let daemon = try DaemonProcess(arguments: ["--dev", "--dev-witnesses", "--port", "0"], directory: folder)
        let port = try await daemon.waitForPort()
        let server = "http://127.0.0.1:\(port)"
        let signed = try await ProgramRun.run(Self.bench, [
            "sign-submissions", "--server", server, "--dev-folder", folder + "/dev-ledger", "--examples",
            Self.examples, "--count", "6", "--out", folder + "/bodies",
        ])
        try #require(signed.status == 0, "sign-submissions failed: \(signed.errors)")
        let lines = try String(contentsOfFile: folder + "/bodies", encoding: .utf8).split(separator: "\n")
        try (lines[0..<3].joined(separator: "\n") + "\n").write(toFile: folder + "/probe", atomically: true,
                                                                encoding: .utf8)
        try (lines[3..<6].joined(separator: "\n") + "\n").write(toFile: folder + "/other", atomically: true,
                                                                encoding: .utf8)
        let policyPath = folder + "/dev-ledger/demo-witness-policy.txt"

        let probe = try await ProgramRun.run(Self.bench, ["ack-to-witnessed", "--server", server, "--bodies",
                                                          folder + "/probe", "--witness-policy", policyPath,
                                                          "--every-ms", "50"])
        #expect(probe.status == 0, "\(probe.errors)")
        let delays = probe.output.split(separator: "\n").filter { $0.hasPrefix("DELAY_MS ") }
            .map { $0.split(separator: " ") }
        #expect(delays.count == 3)
        #expect(Set(delays.map { $0[1] }).count == 3)
        for delay in delays {
            let ms = try #require(Double(delay[2]))
            #expect(ms >= 0 && ms < 30_000)
        }

        // A policy that also requires a witness this ledger does not use: no checkpoint meets it.
        let policy = try WitnessPolicy(parsing: String(contentsOfFile: policyPath, encoding: .utf8))
        let stranger = try Ed25519CosignatureSigner(name: "witness.elsewhere", privateKey: .generate(.ed25519))
        let strict = try WitnessPolicy(logVerifier: policy.logVerifier,
                                       witnesses: policy.witnesses + [.init(label: "elsewhere",
                                                                            verifier: stranger.verifier)],
                                       quorum: 3)
        try strict.text.write(toFile: folder + "/strict.txt", atomically: true, encoding: .utf8)
        let refused = try await ProgramRun.run(Self.bench, [
            "ack-to-witnessed", "--server", server, "--bodies", folder + "/other", "--witness-policy",
            folder + "/strict.txt", "--every-ms", "50", "--wait-seconds", "10",
        ])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("does not verify under the witness policy"), "\(refused.errors)")
        #expect(!refused.output.contains("DELAY_MS"))
        #expect(try await daemon.signal(SIGTERM) == 0)
    }
}

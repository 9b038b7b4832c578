import ChildProcessSupport
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Registry
import Testing

/// `certledger-bench sign-submissions`, the signing half of `Scripts/bench-daemon`'s wrk load, against a real
/// `certledgerd --dev`: the file it writes must hold distinct, valid, signed link.share bodies, one per line, each
/// accepted once by the daemon — otherwise wrk's 201 count would not be durable, acknowledged submissions.
@Suite(.serialized) struct SignSubmissionsTests {
    private static var bench: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("certledger-bench")
    }

    private static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/examples").path
    }

    /// Runs certledger-bench with `arguments`, returning its exit status and standard error.
    private func runBench(_ arguments: [String]) async throws -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: Self.bench.path) else {
            throw DaemonProcessError("\(Self.bench.path) is not built; `swift build --product certledger-bench` first")
        }
        let run = try await ProgramRun.run(Self.bench.path, arguments)
        return (run.status, run.errors)
    }

    private func post(_ client: LedgerHTTPClient, _ path: String, _ body: [UInt8]) async throws -> HTTPClientResponse {
        try await client.send("POST", path, headers: [("Content-Type", "application/json")], body: body)
    }

    @Test func writtenBodies_areDistinctSignedLinkSharesOnePerLine_eachAcceptedOnceThenADuplicate() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sign-submissions-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let daemon = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        let port = try await daemon.waitForPort()
        let count = 40
        let (status, errors) = try await runBench([
            "sign-submissions", "--server", "http://127.0.0.1:\(port)", "--dev-folder", folder + "/dev-ledger",
            "--examples", Self.examples, "--count", "\(count)", "--out", folder + "/bodies",
            "--questions", folder + "/questions",
        ])
        try #require(status == 0, "sign-submissions failed: \(errors)")

        let text = try String(contentsOfFile: folder + "/bodies", encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == count)
        #expect(Set(lines).count == count)
        let linker = try PrivateKey(pem: String(contentsOfFile: folder + "/dev-ledger/departments/demo-bdc.key",
                                                encoding: .utf8)).publicKey
        var nonces: Set<String> = []
        for line in lines {
            let submission = try Submission(bytes: Array(line.utf8))
            #expect(submission.kind == .linkShare)
            #expect(submission.department.value == "demo-bdc")
            #expect(submission.verifySignature(with: linker))
            // Canonical already: what wrk sends is what the ledger stores.
            #expect(submission.canonicalBytes == Array(line.utf8))
            nonces.insert(submission.nonce.value)
        }
        #expect(nonces.count == count)

        let client = try LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
        for line in lines {
            let answer = try await post(client, "/v1/submissions", Array(line.utf8))
            #expect(answer.status == 201, "\(answer.status) \(answer.text)")
        }
        // Sent twice, a body is a duplicate (200), not a new entry: the load must send each line once.
        let again = try await post(client, "/v1/submissions", Array(lines[0].utf8))
        #expect(again.status == 200)
        #expect(again.text.contains("\"duplicate\":true"))

        // The verification questions it writes are each answered authentic by the prepared daemon.
        let questions = try String(contentsOfFile: folder + "/questions", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(questions.count == 4)
        #expect(Set(questions.compactMap { try? JSONValue.parse(Array($0.utf8))["subject"]?.stringValue })
                == ["license", "document", "seal"])
        for question in questions {
            let answer = try await post(client, "/v1/verify", Array(question.utf8))
            #expect(answer.status == 200, "\(question): \(answer.status) \(answer.text)")
            #expect(answer.text.contains("\"verdict\":\"authentic\""), "\(question): \(answer.text)")
        }
        #expect(try await daemon.signal(SIGTERM) == 0)
    }

    @Test func nonPositiveCount_isRefusedBeforeTouchingTheDaemon() async throws {
        let (status, errors) = try await runBench([
            "sign-submissions", "--server", "http://127.0.0.1:9", "--dev-folder", "/nonexistent", "--count", "0",
            "--out", "/dev/null",
        ])
        #expect(status != 0)
        #expect(errors.contains("--count must be positive"))
    }
}

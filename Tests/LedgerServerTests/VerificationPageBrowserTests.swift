import CanonicalJSON
import ChildProcessSupport
import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import LogStoreContract
import Registry
import Testing

/// The verification page in a real browser: Debian's headless Chromium driven by Selenium
/// (`Tests/Browser/verification_page.py`) against a live development ledger holding a license with its seal and a
/// link, and a revoked license with a revoked seal. The script checks every verdict in the page's language (one term
/// per state, reasons written from the answer, no English on the Chinese page), local time beside UTC, tables
/// readable on a 390-px phone, the development banner, the dropped document (only its digest leaves the browser)
/// apart from a digest taken from a link, and a proof tampered in transit by its proxy turning the page red; its
/// screenshots land in `.build/test-output/verification-page/`. When Chromium, chromedriver or Selenium is missing,
/// the test runs `Scripts/install-deps` itself (Debian's packages, Selenium into a venv under `.build`), so
/// `swift test` alone prepares what it needs; if that fails the test fails and says why: a browser test that skips
/// silently would prove nothing in CI.
@Suite(.serialized) struct VerificationPageBrowserTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    static var python: String { repository.appendingPathComponent(".build/browser-venv/bin/python3").path }
    static var script: String { repository.appendingPathComponent("Tests/Browser/verification_page.py").path }
    static var output: URL { repository.appendingPathComponent(".build/test-output/verification-page") }

    /// A valid USCC nothing in the development ledger is about.
    static let unknownUSCC = "91110000802100433B"
    /// The revoked license's holder (valid check characters).
    static let revokedUSCC = "91350100MA8CL0015G"
    /// A seal of the revoked license's holder, itself revoked.
    static let revokedSealID = "35010020260099"
    static let screenshots = ["1-authentic", "1-authentic-phone", "1-authentic-en", "2-revoked", "3-unknown",
                              "4-document-match", "4-document-link", "5-document-mismatch", "6-seal", "7-tampered"]

    /// What the browser test needs, or why it cannot run; the reason always names `Scripts/install-deps`.
    static func browserStackProblem() async -> String? {
        let fm = FileManager.default
        for (path, what) in [(chromium, "chromium"), (chromedriver, "chromium-driver"), (python, "the Selenium venv")]
        where !fm.isExecutableFile(atPath: path) {
            return "\(what) is missing (\(path)): run Scripts/install-deps"
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import selenium"]
        probe.standardError = FileHandle.nullDevice
        do { try probe.run() } catch { return "\(python) does not run (\(error)): run Scripts/install-deps" }
        let imported = (try? await probe.exited()) == 0
        return imported ? nil : "selenium is not importable by \(python): run Scripts/install-deps"
    }

    /// The browser stack, installed by `Scripts/install-deps` when anything is missing. Nil when ready, else why not.
    static func prepareBrowserStack() async -> String? {
        guard let problem = await browserStackProblem() else { return nil }
        if let failed = await TestDependencies.install() { return "\(problem); \(failed)" }
        return await browserStackProblem()
    }

    /// Fills the ledger: license (its document = `document`) and seal in one bundle, a real-estate link, and
    /// another license issued then revoked, with a seal issued then revoked. Returns the holder name the page must
    /// show.
    static func populate(_ server: DevLedgerServer, document: [UInt8]) async throws -> String {
        let digest = ContentDigest(of: document, algorithm: .sha256).digest.hex
        let license = try server.signExample("license-issue", as: "demo-amr") {
            $0["document"] = .object(["algorithm": .string("sha256"), "digest": .string(digest)])
        }
        let seal = try server.signExample("seal-issue", as: "demo-psb")
        let bundle = try await server.post("/v1/submissions", try SubmissionBundle([license, seal]).canonicalBytes)
        #expect(bundle.status == 201, "\(bundle.text)")
        let link = try await server.post("/v1/submissions",
                                         try server.signExample("link-real-estate", as: "demo-bdc").canonicalBytes)
        #expect(link.status == 201, "\(link.text)")
        let other = try server.signExample("license-issue", as: "demo-amr") {
            $0["uscc"] = .string(revokedUSCC)
            $0["name"] = .string("示例已吊销贸易有限公司")
        }
        let issued = try await server.post("/v1/submissions", other.canonicalBytes)
        #expect(issued.status == 201, "\(issued.text)")
        // Each subject's previous entry, from the answers (every batch also ends with a map root).
        func index(_ answer: HTTPClientResponse) -> Double {
            (try? JSONValue.parse(answer.body))?["entries"]?.arrayValue?.first?["index"]?.numberValue ?? -1
        }
        let otherSeal = try server.signExample("seal-issue", as: "demo-psb") {
            $0["sealId"] = .string(revokedSealID)
            $0["holder"] = .string(revokedUSCC)
            $0["name"] = .string("示例已吊销贸易有限公司")
        }
        let sealIssued = try await server.post("/v1/submissions", otherSeal.canonicalBytes)
        #expect(sealIssued.status == 201, "\(sealIssued.text)")
        let revoke = try server.signExample("license-revoke", as: "demo-amr") {
            $0["uscc"] = .string(revokedUSCC)
            $0["subjectPrev"] = .number(index(issued))
        }
        let revoked = try await server.post("/v1/submissions", revoke.canonicalBytes)
        #expect(revoked.status == 201, "\(revoked.text)")
        let sealRevoke = try Submission.sign(
            kind: SubmissionKind(validating: "seal.revoke"), department: DepartmentID(validating: "demo-psb"),
            key: server.key("demo-psb"), nonce: .random(),
            recordJSON: .object(["sealId": .string(revokedSealID), "reason": .string("印章遗失，已登报声明作废"),
                                 "effectiveOn": .string("2026-11-28"), "subjectPrev": .number(index(sealIssued))]))
        let sealRevoked = try await server.post("/v1/submissions", sealRevoke.canonicalBytes)
        #expect(sealRevoked.status == 201, "\(sealRevoked.text)")
        return license.json["record"]?["name"]?.stringValue ?? ""
    }

    /// The browser stack installed and `output` emptied for a run's screenshots; false (with the problem recorded as
    /// the test's failure) when the stack cannot be had.
    static func ready(output: URL) async throws -> Bool {
        if let problem = await prepareBrowserStack() {
            Issue.record("the browser test cannot run: \(problem)")
            return false
        }
        try? FileManager.default.removeItem(at: output)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        return true
    }

    @Test(.timeLimit(.minutes(15)))
    func page_showsEachVerdict_provesInTheBrowser_andTurnsRedOnATamperedProof() async throws {
        guard try await VerificationPageBrowserTests.ready(output: Self.output) else { return }
        let fm = FileManager.default
        let document = Array("%OFD-1.0 示例城市云链科技有限公司 营业执照 第 1 版\n".utf8)
        let documentPath = Self.output.appendingPathComponent("license-v1.ofd")
        let otherPath = Self.output.appendingPathComponent("license-forged.ofd")
        try Data(document).write(to: documentPath)
        try Data("%OFD-1.0 示例城市云链科技有限公司 营业执照 第 1 版 (altered)\n".utf8).write(to: otherPath)

        let (status, log) = try await DevLedgerServer.run { server in
            let holderName = try await Self.populate(server, document: document)
            let scenario: [String: String] = [
                "authentic": "91350100MA2YDE7W7J", "revoked": Self.revokedUSCC, "unknown": Self.unknownUSCC,
                "sealId": "35010020260001", "revokedSealId": Self.revokedSealID, "holderName": holderName,
                "document": documentPath.path, "otherDocument": otherPath.path,
            ]
            let scenarioPath = Self.output.appendingPathComponent("scenario.json")
            try JSONEncoder().encode(scenario).write(to: scenarioPath)
            return try await Self.runScript(["--server", "http://127.0.0.1:\(server.client.port)",
                                             "--scenario", scenarioPath.path, "--out", Self.output.path])
        }
        #expect(status == 0, "the browser expectations failed:\n\(log)")
        #expect(log.contains("all browser expectations held"), "\(log)")
        for name in Self.screenshots {
            let path = Self.output.appendingPathComponent(name + ".png").path
            let size = (try? fm.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot \(path) missing or empty (\(size) bytes)")
        }
    }

    /// Runs a Selenium script (by default this suite's) without blocking a concurrency thread (the ledger under test
    /// needs them), its output in `log` (by default `browser.log`); killed after four minutes.
    static func runScript(_ arguments: [String], script: String = script,
                          log logPath: URL = output.appendingPathComponent("browser.log"))
        async throws -> (Int32, String) {
        _ = FileManager.default.createFile(atPath: logPath.path, contents: nil)
        let log = try FileHandle(forWritingTo: logPath)
        defer { try? log.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = ContinuousClock.now + .seconds(240)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = try await process.exited()
        let text = (try? String(contentsOf: logPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }
}

import Foundation
import LedgerServer
import Testing
import LogStoreContract

/// The served OpenAPI document says what the server really accepts: schemathesis (PyPI) generates requests from
/// `/openapi.yaml` of a live development ledger — schema-valid ones must be accepted, invalid ones refused with a
/// 4xx, undeclared methods answered 405 with `Allow`, every answer conform to its declared status, type and schema,
/// and nothing may be a 5xx. What JSON Schema cannot say (the USCC check characters, rules between two query
/// parameters) the generator learns from `Tests/Schemathesis/certledger_hooks.py`; `schemathesis.toml` beside it
/// holds the one documented exception (a generated submission cannot carry a department's signature). When the
/// schemathesis venv is missing the test runs `Scripts/install-deps`, so `swift test` alone prepares it.
@Suite(.serialized) struct OpenAPIConformanceTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var schemathesis: String {
        repository.appendingPathComponent(".build/schemathesis-venv/bin/schemathesis").path
    }
    static var settings: URL { repository.appendingPathComponent("Tests/Schemathesis") }
    static var output: URL { repository.appendingPathComponent(".build/test-output/schemathesis") }

    /// Nil when schemathesis runs, else why not (naming `Scripts/install-deps`).
    static func problem() -> String? {
        guard FileManager.default.isExecutableFile(atPath: schemathesis) else {
            return "schemathesis is missing (\(schemathesis)): run Scripts/install-deps"
        }
        return nil
    }

    /// schemathesis, installed by `Scripts/install-deps` when missing. Nil when ready, else why not.
    static func prepare() async -> String? {
        guard let problem = problem() else { return nil }
        if let failed = await TestDependencies.install() { return "\(problem); \(failed)" }
        return Self.problem()
    }

    @Test(.timeLimit(.minutes(5)))
    func schemathesis_findsNoFailures_againstALiveLedger() async throws {
        if let problem = await Self.prepare() {
            Issue.record("the OpenAPI conformance test cannot run: \(problem)")
            return
        }
        try FileManager.default.createDirectory(at: Self.output, withIntermediateDirectories: true)
        let (status, log) = try await DevLedgerServer.run { server in
            try await Self.run(port: server.client.port)
        }
        #expect(status == 0, "schemathesis found failures (\(Self.output.path)/schemathesis.log):\n\(log.suffix(6000))")
        // The summary says "<n> generated, <n> passed" when every generated case passed every check.
        let summary = try #require(log.firstMatch(of: /(\d+) generated, (\d+) passed/), "\(log.suffix(3000))")
        #expect(summary.1 == summary.2, "\(log.suffix(6000))")
        #expect((Int(summary.1) ?? 0) > 1000, "too few requests generated to mean anything: \(summary.0)")
    }

    /// Runs schemathesis against the server on `port` without blocking a concurrency thread (the ledger under
    /// test needs them): a fixed seed, at most 30 examples per operation in the coverage phase, and 75 s in all
    /// (the fuzzing phase repeats until the time is spent: ≈ 3,000 requests). One worker: with two, Python 3.11
    /// now and then fails inside schemathesis compiling a module in two threads at once
    /// ("AST constructor recursion depth mismatch"), an error of the tool, not a finding about the server.
    /// Every check runs: with no `--checks`, schemathesis enables all of them, and the per-operation exceptions in
    /// `schemathesis.toml` still apply (`--checks all` on the command line would override them).
    static func run(port: Int) async throws -> (Int32, String) {
        let log = output.appendingPathComponent("schemathesis.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: schemathesis)
        process.arguments = [
            "--config-file", settings.appendingPathComponent("schemathesis.toml").path, "--no-color",
            "run", "http://127.0.0.1:\(port)/openapi.yaml",
            "--phases", "examples,coverage,fuzzing", "--max-examples", "30", "--seed", "19",
            "--workers", "1", "--suppress-health-check", "all", "--request-timeout", "10", "--max-time", "75",
        ]
        // Its cache and reports go under .build, never into the source tree.
        process.currentDirectoryURL = output
        process.environment = ProcessInfo.processInfo.environment.merging([
            "SCHEMATHESIS_HOOKS": "certledger_hooks", "PYTHONPATH": settings.path, "PYTHONDONTWRITEBYTECODE": "1",
        ]) { $1 }
        process.standardInput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(240)
        while process.isRunning {
            if ContinuousClock.now > deadline { process.terminate() }
            try await Task.sleep(for: .milliseconds(200))
        }
        try? handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}

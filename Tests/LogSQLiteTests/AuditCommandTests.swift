import Foundation
import Testing

/// `certledger audit` driven as a user runs it, on a store written by a real process: exit codes, the first bad
/// index, and the `--state` rollback check. These logs come from the log benchmark writer (no genesis), so they
/// run with `--log-only`; the Registry-level audit is tested in RegistryTests and by the tamper suite.
@Suite(.serialized) struct AuditCommandTests {
    /// Runs a built product to completion; returns (exit status, stdout, stderr).
    func run(_ product: String, _ arguments: [String]) throws -> (Int32, String, String) {
        try ChildProcess.runToCompletion(ChildProcess.productsDirectory.appendingPathComponent(product), arguments)
    }

    /// A log of a few hundred entries written by `certledger-bench log-writer`, killed with SIGKILL.
    func makeLog(_ folder: String, start: Int = 0, create: Bool = true) async throws {
        var args = ["log-writer", "--data", folder, "--concurrency", "4", "--start", String(start)]
        if create { args.append("--create") }
        let child = try ChildProcess(product: "certledger-bench", arguments: args)
        var acks = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while acks < 300, ContinuousClock.now < deadline, child.process.isRunning {
            try await Task.sleep(for: .milliseconds(10))
            acks += child.takeLines().filter { $0.hasPrefix("ACK") }.count
        }
        child.kill()
        try #require(acks >= 300, "the writer acknowledged only \(acks): \(child.standardError)")
    }

    func temporaryFolder() -> String {
        NSTemporaryDirectory() + "certledger-audit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    @Test func untouchedLedger_passes_andStateIsWritten() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await makeLog(folder)
        let state = folder + "/audit.state"
        let (status, out, err) = try run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key",
                                                       "@" + folder + "/checkpoint.vkey", "--state", state, "--json"])
        #expect(status == 0, "\(out) \(err)")
        #expect(out.contains(#""result":"ok""#))
        #expect(FileManager.default.fileExists(atPath: state))
    }

    @Test func flippedEntryByte_failsWithExit1AndTheIndex() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await makeLog(folder)
        // Change one byte of entry 100's payload behind the store's back.
        try rawSQLite(folder + "/log.sqlite",
                      "UPDATE entries SET data = CAST(REPLACE(CAST(data AS TEXT), '\"n\":', '\"m\":') AS BLOB) "
                      + "WHERE idx = 100")
        let (status, out, err) = try run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key",
                                                       "@" + folder + "/checkpoint.vkey", "--json"])
        #expect(status == 1, "\(out) \(err)")
        #expect(out.contains(#""result":"failed""#))
        #expect(out.contains(#""index":100"#) || out.contains(#""index":101"#), "\(out)")
    }

    @Test func olderCopyOfTheStore_isCaughtByTheState() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await makeLog(folder)
        let fm = FileManager.default
        // Keep a copy of the ledger as it is now, let it grow, audit (state saved), then restore the old copy.
        let backup = folder + "-old"
        defer { try? fm.removeItem(atPath: backup) }
        try fm.copyItem(atPath: folder, toPath: backup)
        try await makeLog(folder, start: 1_000_000, create: false)
        let state = folder + ".state"
        defer { try? fm.removeItem(atPath: state) }
        let key = "@" + folder + "/checkpoint.vkey"
        #expect(try run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key", key, "--state", state]).0 == 0)
        try fm.removeItem(atPath: folder)
        try fm.copyItem(atPath: backup, toPath: folder)
        // The old copy is self-consistent, so only the state can tell.
        #expect(try run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key", key]).0 == 0)
        let (status, _, err) = try run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key", key,
                                                     "--state", state])
        #expect(status == 1)
        #expect(err.contains("shrank") || err.contains("rolled back"), "\(err)")
    }

    @Test func wrongKeyOrMissingStore_areUsageAndUnreachableErrors() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key", "not-a-key"]).0 == 2)
        #expect(try run("certledger", ["audit", "--log-only", "--verifier-key", "x"]).0 == 2)
        try await makeLog(folder)
        let vkey = try String(contentsOfFile: folder + "/checkpoint.vkey", encoding: .utf8)
        #expect(try run("certledger", ["audit", "--log-only", "--store", folder + "/nope.sqlite", "--verifier-key", vkey]).0 == 3)
    }
}

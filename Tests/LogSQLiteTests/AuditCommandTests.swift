import ChildProcessSupport
import Foundation
import Testing

/// `certledger audit` driven as a user runs it, on a store written by a real process: exit codes, the first bad
/// index, and the `--state` rollback check. These logs come from the log benchmark writer (no genesis), so they
/// run with `--log-only`; the Registry-level audit is tested in RegistryTests and by the tamper suite.
@Suite(.serialized) struct AuditCommandTests {
    /// Runs a built product to completion; returns (exit status, stdout, stderr).
    func run(_ product: String, _ arguments: [String]) async throws -> (Int32, String, String) {
        try await ChildProcess.runToCompletion(ChildProcess.productsDirectory.appendingPathComponent(product),
        arguments)
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
        let (status, out, err) = try await run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key",
                                                             "@" + folder + "/checkpoint.vkey", "--state", state,
                                                             "--json"])
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
        let (status, out, err) = try await run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key",
                                                             "@" + folder + "/checkpoint.vkey", "--json"])
        #expect(status == 1, "\(out) \(err)")
        #expect(out.contains(#""result":"failed""#))
        #expect(out.contains(#""index":100"#) || out.contains(#""index":101"#), "\(out)")
    }

    /// Every row deleted: a self-consistent empty store. With the state of an earlier audit it fails, naming
    /// both sizes; the nightly check (which runs this) fails with it.
    @Test func wipedStore_failsAgainstTheState() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await makeLog(folder)
        let state = folder + "/audit.state"
        let key = "@" + folder + "/checkpoint.vkey"
        #expect(try await run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key", key,
                                             "--state", state]).0 == 0)
        let audited = try SignedCheckpointText(path: state).size
        try rawSQLite(folder + "/log.sqlite", "DELETE FROM entries; DELETE FROM tiles; DELETE FROM checkpoints;")
        let (status, out, err) = try await run("certledger", ["audit", "--log-only", "--data", folder,
                                                              "--verifier-key", key,
                                                             "--state", state, "--json"])
        #expect(status == 1, "\(out) \(err)")
        #expect(out.contains("shrank from \(audited) entries") && out.contains("the store is empty"), "\(out)")
        // The state still holds the last good checkpoint: the failure repeats until the ledger is restored.
        #expect(try SignedCheckpointText(path: state).size == audited)
    }

    /// An older checkpoint row (the one served for proofs at its size) with one byte of its root line changed:
    /// the audit checks every stored checkpoint, not only the newest.
    @Test func damagedOlderCheckpoint_failsTheAuditAtItsSize() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await makeLog(folder)
        let key = "@" + folder + "/checkpoint.vkey"
        // The first character of the root line (after the origin and size lines) changed.
        let text = "CAST(note AS TEXT)"
        let rootAt = "(instr(\(text), char(10)) + instr(substr(\(text), instr(\(text), char(10)) + 1), char(10)) + 1)"
        try rawSQLite(folder + "/log.sqlite", """
            UPDATE checkpoints SET note = CAST(substr(\(text), 1, \(rootAt) - 1)
                || (CASE substr(\(text), \(rootAt), 1) WHEN 'A' THEN 'B' ELSE 'A' END)
                || substr(\(text), \(rootAt) + 1) AS BLOB)
            WHERE size = (SELECT size FROM checkpoints ORDER BY size LIMIT 1 OFFSET 3)
            """)
        let (status, out, err) = try await run("certledger", ["audit", "--log-only", "--data", folder,
                                                              "--verifier-key", key,
                                                             "--json"])
        #expect(status == 1, "\(out) \(err)")
        #expect(out.contains("the checkpoint stored for size"), "\(out)")
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
        #expect(try await run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key", key,
                                             "--state", state]).0 == 0)
        try fm.removeItem(atPath: folder)
        try fm.copyItem(atPath: backup, toPath: folder)
        // The old copy is self-consistent, so only the state can tell.
        #expect(try await run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key", key]).0 == 0)
        let (status, _, err) = try await run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key",
                                                            key,
                                                           "--state", state])
        #expect(status == 1)
        #expect(err.contains("shrank") || err.contains("rolled back"), "\(err)")
    }

    @Test func wrongKeyOrMissingStore_areUsageAndUnreachableErrors() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try await run("certledger", ["audit", "--log-only", "--data", folder, "--verifier-key",
                                             "not-a-key"]).0 == 2)
        #expect(try await run("certledger", ["audit", "--log-only", "--verifier-key", "x"]).0 == 2)
        try await makeLog(folder)
        let vkey = try String(contentsOfFile: folder + "/checkpoint.vkey", encoding: .utf8)
        #expect(try await run("certledger", ["audit", "--log-only", "--store", folder + "/nope.sqlite",
                                             "--verifier-key", vkey]).0 == 3)
    }
}

/// The tree size of the signed checkpoint in a file (its second line).
struct SignedCheckpointText {
    let size: UInt64

    init(path: String) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        guard lines.count > 1, let size = UInt64(lines[1]) else { throw RawSQLiteError(message: "no checkpoint in \(path)") }
        self.size = size
    }
}

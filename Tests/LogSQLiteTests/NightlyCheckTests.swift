import ChildProcessSupport
import Foundation
import Testing

/// `Scripts/nightly-integrity-check` as cron runs it: report file, alert on failure, no overlapping runs.
@Suite(.serialized) struct NightlyCheckTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/nightly-integrity-check").path

    func runScript(_ env: [String: String]) async throws -> Int32 {
        try await startScript(env).exited()
    }

    func startScript(_ env: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script]
        process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func goodThenTamperedLedger_reportsAndAlerts_andLockPreventsOverlap() async throws {
        let folder = AuditCommandTests().temporaryFolder()
        let auditDir = folder + "-audit"
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: auditDir)
        }
        try await AuditCommandTests().makeLog(folder)
        let marker = auditDir + "/alerted"
        let alert = auditDir + "/alert.sh"
        try FileManager.default.createDirectory(atPath: auditDir, withIntermediateDirectories: true)
        try writeExecutableScript("#!/bin/bash\necho \"$1\" > \(marker)\n", to: alert)
        let env = [
            "CERTLEDGER_DATA": folder, "CERTLEDGER_VKEY": "@" + folder + "/checkpoint.vkey",
            "CERTLEDGER_AUDIT_DIR": auditDir, "CERTLEDGER_ALERT": alert, "CERTLEDGER_AUDIT_FLAGS": "--log-only",
            "CERTLEDGER_BIN": ChildProcess.productsDirectory.appendingPathComponent("certledger").path,
        ]
        #expect(try await runScript(env) == 0)
        let reports = try FileManager.default.contentsOfDirectory(atPath: auditDir + "/reports")
        #expect(reports.count == 1)
        #expect(!FileManager.default.fileExists(atPath: marker))

        // Another run holding the lock: this one must not start.
        let fd = open(auditDir + "/lock", O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX) == 0)
        #expect(try await runScript(env) == 4)
        flock(fd, LOCK_UN)
        close(fd)

        try rawSQLite(folder + "/log.sqlite",
                      "UPDATE entries SET data = CAST(REPLACE(CAST(data AS TEXT), '\"n\":', '\"m\":') AS BLOB) "
                      + "WHERE idx = 7")
        #expect(try await runScript(env) == 1)
        let alerted = try String(contentsOfFile: marker, encoding: .utf8)
        let report = try String(contentsOfFile: alerted.trimmingCharacters(in: .whitespacesAndNewlines),
                                encoding: .utf8)
        #expect(report.contains(#""result":"failed""#), "\(report)")
    }
}

import ChildProcessSupport
import Foundation
import Testing

/// Each duty of `Scripts/nightly-integrity-check` on its own, with a stand-in `certledger`
/// (a script whose exit status, output and duration the test chooses) and a stand-in `logger` that records each
/// syslog message as one line: the dated report, the one-line syslog entry, the alert command on failure, the
/// non-zero exit, the lock against overlapping runs, the settings file, and the crontab line.
@Suite(.serialized) struct NightlyScriptBehaviourTests {
    /// A folder with `bin/certledger` and `bin/logger` stand-ins; the audit folder is `<folder>/audit`.
    struct Bench {
        let folder: String
        var audit: String { folder + "/audit" }
        var syslog: String { folder + "/syslog" }
        var auditArguments: String { folder + "/audit-arguments" }

        init() throws {
            folder = AuditCommandTests().temporaryFolder()
            let bin = folder + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try Self.script(bin + "/certledger", """
                printf '%s\\n' "$*" > "$FAKE_ARGS"
                sleep "${FAKE_SLEEP:-0}"
                printf '%s\\n' "${FAKE_STDOUT:-}"
                [ -n "${FAKE_STDERR:-}" ] && printf '%s\\n' "$FAKE_STDERR" >&2
                exit "${FAKE_EXIT:-0}"
                """)
            try Self.script(bin + "/logger", #"printf '%s\n' "$*" >> "$FAKE_SYSLOG""#)
        }

        static func script(_ path: String, _ body: String) throws {
            try writeExecutableScript("#!/bin/bash\n" + body + "\n", to: path)
        }

        /// The script's environment: stand-ins first on PATH, everything else as cron would set it.
        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            [
                "PATH": folder + "/bin:/usr/bin:/bin", "CERTLEDGER_DATA": folder + "/data",
                "CERTLEDGER_VKEY": "@/etc/certledger/checkpoint.vkey", "CERTLEDGER_AUDIT_DIR": audit,
                "CERTLEDGER_BIN": folder + "/bin/certledger", "FAKE_ARGS": auditArguments, "FAKE_SYSLOG": syslog,
                "FAKE_STDOUT": #"{"result":"ok","size":12,"verifiedEntries":12,"root":"abc="}"#,
            ].merging(extra) { $1 }
        }

        var reports: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: audit + "/reports")) ?? []).sorted()
        }

        func syslogLines() -> [String] {
            ((try? String(contentsOfFile: syslog, encoding: .utf8)) ?? "").split(separator: "\\n").map(String.init)
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    let runner = NightlyCheckTests()

    @Test func goodAudit_writesADatedReport_logsOneLine_andRunsNoAlert() async throws {
        let bench = try Bench()
        defer { bench.remove() }
        let marker = bench.folder + "/alerted"
        let status = try await runner.runScript(bench.environment(["CERTLEDGER_ALERT": "touch \(marker)"]))
        #expect(status == 0)
        let reports = bench.reports
        try #require(reports.count == 1, "\(reports)")
        #expect(reports[0].range(of: #"^audit-\d{4}-\d{2}-\d{2}T\d{6}Z\.json$"#, options: .regularExpression) != nil,
                "\(reports[0])")
        let report = try String(contentsOfFile: bench.audit + "/reports/" + reports[0], encoding: .utf8)
        #expect(report.contains(#""result":"ok""#))
        let lines = bench.syslogLines()
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.hasPrefix("-t certledger-audit -- OK in") == true, "\(lines)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        // The audit ran on the configured ledger, kept its state in the audit folder, and printed JSON.
        let arguments = try String(contentsOfFile: bench.auditArguments, encoding: .utf8)
        #expect(arguments.hasPrefix("audit "))
        for expected in ["--data \(bench.folder)/data", "--verifier-key @/etc/certledger/checkpoint.vkey",
                         "--state \(bench.audit)/last-checkpoint", "--json"] {
            #expect(arguments.contains(expected), "\(arguments)")
        }
        // A second run in the same second keeps the first report.
        #expect(try await runner.runScript(bench.environment()) == 0)
        #expect(bench.reports.count == 2)
    }

    @Test func failedAudit_exitsWithItsStatus_alertsWithTheReport_andLogsOneLine() async throws {
        let bench = try Bench()
        defer { bench.remove() }
        let alertLog = bench.folder + "/alert-log"
        try Bench.script(bench.folder + "/bin/alert", #"printf '%s %s\n' "$CERTLEDGER_AUDIT_STATUS" "$1" >> "$ALERT_LOG""#)
        let failing = bench.environment([
            "FAKE_EXIT": "1", "FAKE_STDOUT": #"{"result":"failed","failure":{"index":41,"reason":"bad"}}"#,
            "FAKE_STDERR": "certledger audit: FAILED at index 41\nsecond line", "CERTLEDGER_ALERT": "alert",
            "ALERT_LOG": alertLog,
        ])
        #expect(try await runner.runScript(failing) == 1)
        let alert = try String(contentsOfFile: alertLog, encoding: .utf8).split(separator: " ")
        try #require(alert.count == 2)
        #expect(alert[0] == "1")
        let report = try String(contentsOfFile: alert[1].trimmingCharacters(in: .whitespacesAndNewlines),
                                encoding: .utf8)
        #expect(report.contains(#""index":41"#) && report.contains("# certledger audit: FAILED at index 41"))
        let lines = bench.syslogLines()
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("FAILED (exit 1)") == true && lines.first?.contains("index") == true)

        // An unreachable store (exit 3) alerts too; an alert command that fails is logged and hides nothing.
        #expect(try await runner.runScript(bench.environment(["FAKE_EXIT": "3", "CERTLEDGER_ALERT": "false"])) == 3)
        #expect(bench.syslogLines().contains { $0.contains("alert command failed: false") })
    }

    @Test func overlappingRun_isRefusedWhileTheFirstHoldsTheLock() async throws {
        let bench = try Bench()
        defer { bench.remove() }
        let first = try runner.startScript(bench.environment(["FAKE_SLEEP": "3"]))
        // The stand-in audit writes its arguments only once the first run holds the lock.
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: bench.auditArguments), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try FileManager.default.removeItem(atPath: bench.auditArguments)
        #expect(try await runner.runScript(bench.environment()) == 4)
        #expect(!FileManager.default.fileExists(atPath: bench.auditArguments), "the second run started an audit")
        #expect(bench.syslogLines().contains { $0.contains("skipped: another integrity check is still running") })
        #expect(try await first.exited() == 0)
        #expect(bench.reports.count == 1)
        // Once the first run is over, the lock is free again.
        #expect(try await runner.runScript(bench.environment()) == 0)
    }

    @Test func settingsFile_isRead_andMissingSettingsAreAnError() async throws {
        let bench = try Bench()
        defer { bench.remove() }
        let settings = bench.folder + "/certledger-audit"
        try "CERTLEDGER_DATA=/srv/ledger\nCERTLEDGER_VKEY=@/srv/checkpoint.vkey\n"
            .write(toFile: settings, atomically: true, encoding: .utf8)
        var environment = bench.environment(["CERTLEDGER_AUDIT_ENV": settings])
        environment["CERTLEDGER_DATA"] = nil
        environment["CERTLEDGER_VKEY"] = nil
        #expect(try await runner.runScript(environment) == 0)
        #expect(try String(contentsOfFile: bench.auditArguments, encoding: .utf8).contains("--data /srv/ledger"))
        environment["CERTLEDGER_AUDIT_ENV"] = nil
        #expect(try await runner.runScript(environment) != 0)
    }

    @Test func crontabLine_runsTheScriptAt0230Daily() throws {
        let root = URL(fileURLWithPath: NightlyCheckTests.script).deletingLastPathComponent()
            .deletingLastPathComponent()
        let cron = try String(contentsOf: root.appendingPathComponent("Config/cron/certledger-integrity"),
                              encoding: .utf8)
        let jobs = cron.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.first?.isNumber == true }
        try #require(jobs.count == 1, "\(jobs)")
        let fields = jobs[0].split(separator: " ")
        #expect(fields.prefix(5).joined(separator: " ") == "30 2 * * *")
        #expect(fields[5] == "certledger", "the cron.d line names the user to run as")
        #expect(fields.last?.hasSuffix("/Scripts/nightly-integrity-check") == true)
        #expect(FileManager.default.isExecutableFile(atPath: NightlyCheckTests.script))
    }
}

import ChildProcessSupport
import Foundation
import LedgerClient
import Testing

/// Issue #8 item 3, disk full without root: the real `certledgerd` started under `prlimit --fsize` (RLIMIT_FSIZE),
/// loaded by the real `certledger-bench fault-load` until its store files reach the limit. Writes then fail with
/// EFBIG (the daemon ignores SIGXFSZ, which would otherwise kill it mid-batch): every refusal is a 503 JSON error,
/// nothing past the served checkpoint is acknowledged, the log names the limit, and once the limit is lifted
/// (`prlimit --pid`) submissions succeed again. Scripts/fault-trials runs the same on a full tmpfs.
@Suite(.serialized) struct FileSizeLimitTests {
    static var products: URL { DaemonProcess.executable.deletingLastPathComponent() }

    /// Runs a program to completion; returns its exit status and standard output.
    func run(_ program: String, _ arguments: [String]) async throws -> (Int32, String) {
        let run = try await ProgramRun.run(program, arguments)
        return (run.status, run.output)
    }

    func load(port: Int, folder: String, _ extra: [String]) async throws -> [String] {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/examples").path
        let (status, out) = try await run(Self.products.appendingPathComponent("certledger-bench").path,
            ["fault-load", "--server", "http://127.0.0.1:\(port)", "--dev-folder", folder, "--examples", examples,
             "--concurrency", "4"] + extra)
        #expect(status == 0)
        return out.split(separator: "\n").map(String.init)
    }

    @Test func fileSizeLimitReached_refusesWith503_acknowledgesNothingUnstored_andRecovers() async throws {
        let prlimit = "/usr/bin/prlimit"
        try #require(FileManager.default.isExecutableFile(atPath: prlimit), "util-linux prlimit is needed")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledgerd-fsize-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 3 MiB per file (soft limit; the hard one stays unlimited so that it can be lifted without privileges): the
        // dev ledger fits, and a few thousand entries fill it within seconds.
        let limit = 3 << 20
        let daemon = try DaemonProcess(arguments: ["--dev", "--dev-folder", folder + "/led", "--port", "0"],
                                       directory: NSTemporaryDirectory(),
                                       launcher: [prlimit, "--fsize=\(limit):unlimited", "--"])
        let port = try await daemon.waitForPort()

        let filling = try await load(port: port, folder: folder + "/led", ["--seconds", "120", "--until-refused", "10"])
        let refused = filling.filter { $0.hasPrefix("REFUSED ") }
        #expect(refused.count >= 10, "\(filling.suffix(3))")
        #expect(filling.filter { $0.hasPrefix("BAD ") }.isEmpty, "\(filling.filter { $0.hasPrefix("BAD ") })")
        #expect(refused.allSatisfy { $0 == "REFUSED 503 store_failed" }, "\(Set(refused))")
        #expect(daemon.process.isRunning, "the daemon died (SIGXFSZ?): \(daemon.standardError.suffix(500))")

        // Nothing acknowledged lies beyond the tree the daemon serves.
        let client = try LedgerHTTPClient(url: "http://127.0.0.1:\(port)", timeout: .seconds(10))
        let note = try await client.send("GET", "/checkpoint").text
        let served = try #require(UInt64(note.split(separator: "\n")[1]))
        let acked = filling.compactMap { line -> UInt64? in
            line.hasPrefix("ACK ") ? UInt64(line.split(separator: " ")[1]) : nil
        }
        #expect((acked.max() ?? 0) < served)
        #expect(daemon.standardError.contains("the log store refuses writes: a file size limit was reached"),
                "\(daemon.standardError.suffix(800))")
        let health = try await client.send("GET", "/healthz").text
        #expect(health.contains(#""status":"degraded""#), "\(health)")

        // Lift the limit: writing resumes by itself.
        #expect(try await run(prlimit, ["--pid", "\(daemon.process.processIdentifier)", "--fsize=unlimited"]).0 == 0)
        let after = try await load(port: port, folder: folder + "/led", ["--count", "20"])
        #expect(after.filter { $0.hasPrefix("ACK ") }.count >= 20, "\(after.suffix(3))")
        #expect(daemon.standardError.contains("the log store accepts writes again"))
        #expect(try await daemon.signal(SIGTERM) == 0)
    }
}

import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerClient
import Synchronization

extension CertLedgerBench {
    /// The load side of `Scripts/fault-trials`: sends signed link.share submissions to a development daemon while a
    /// fault is injected under it, and classifies every answer, one line each (flushed, so nothing is lost):
    ///
    /// - `ACK <index> <leafHash>` — 201: the daemon says the entry is durable; the trial later checks it is there.
    /// - `REFUSED <status> <code>` — a refusal in the API's error form (`{"error":{"code","message"}}`, a 4xx/5xx
    ///   other than 500), e.g. `REFUSED 503 store_failed` on a full disk.
    /// - `BAD <status> <body…>` — anything else: a 500, an error without the JSON form, a 201 without an entry.
    /// - `NOCONN <reason>` — the connection failed; the load reconnects after 100 ms.
    ///
    /// It stops after `--seconds`, after `--count` answers, or once `--until-refused` refusals were seen, and ends
    /// with `SUMMARY acked=… refused=… bad=… noconn=…`.
    struct FaultLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fault-load",
            abstract: "Submit under an injected fault; classify every answer.")

        @Option(help: "The daemon.") var server = "http://127.0.0.1:8080"
        @Option(help: "The development ledger's folder (for the demo department keys).") var devFolder: String
        @Option(help: "Config/examples.") var examples = "Config/examples"
        @Option(help: "Concurrent connections.") var concurrency = 8
        @Option(help: "Stop after this many seconds.") var seconds: Double = 30
        @Option(help: "Stop after this many answers (0: no limit).") var count = 0
        @Option(help: "Stop once this many refusals were seen (0: never).") var untilRefused = 0
        @Option(help: "Pause after a refusal, in milliseconds (a client honouring Retry-After would wait longer).")
        var pauseMilliseconds = 20

        func run() async throws {
            let client = try LedgerHTTPClient(url: server, timeout: .seconds(15))
            let demo = try DemoSigner(devFolder: devFolder)
            try await demo.issueLicense(client: client, examples: examples)
            let tally = Tally(limit: count, refusalLimit: untilRefused)
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        while ContinuousClock.now < deadline, !tally.done {
                            do {
                                try await client.withConnection { connection throws(HTTPClientError) in
                                    while ContinuousClock.now < deadline, !tally.done {
                                        guard let body = try? demo.link().canonicalBytes else { return }
                                        let answer = try await connection.send(
                                            "POST", "/v1/submissions",
                                            headers: [("Content-Type", "application/json")], body: body)
                                        if tally.record(Self.classify(answer)) {
                                            try? await Task.sleep(for: .milliseconds(pauseMilliseconds))
                                        }
                                    }
                                }
                            } catch {
                                tally.emit("NOCONN " + "\(error)".replacingOccurrences(of: "\n", with: " "))
                                try? await Task.sleep(for: .milliseconds(100))
                            }
                        }
                    }
                }
            }
            tally.emit(tally.summary)
        }

        /// One output line for an answer.
        static func classify(_ answer: HTTPClientResponse) -> String {
            let json = try? JSONValue.parse(answer.body)
            if answer.status == 201 {
                guard let entry = json?["entries"]?.arrayValue?.first, let index = entry["index"]?.numberValue,
                      let leaf = entry["leafHash"]?.stringValue else { return bad(answer) }
                return "ACK \(UInt64(index)) \(leaf)"
            }
            guard answer.status >= 400, answer.status != 500,
                  let code = json?["error"]?["code"]?.stringValue, json?["error"]?["message"]?.stringValue != nil
            else { return bad(answer) }
            return "REFUSED \(answer.status) \(code)"
        }

        static func bad(_ answer: HTTPClientResponse) -> String {
            "BAD \(answer.status) " + String(decoding: answer.body.prefix(200), as: UTF8.self)
                .replacingOccurrences(of: "\n", with: " ")
        }
    }
}

/// Counts answers and writes their lines; shared by the load's connections.
private final class Tally: Sendable {
    private struct Counts {
        var acked = 0, refused = 0, bad = 0, noconn = 0
    }

    let limit: Int
    let refusalLimit: Int
    /// Guards the counts and stdout, so that lines are whole and the counts match them.
    private let counts = Mutex(Counts())

    init(limit: Int, refusalLimit: Int) {
        self.limit = limit
        self.refusalLimit = refusalLimit
    }

    var done: Bool {
        counts.withLock { c in
            (limit > 0 && c.acked + c.refused + c.bad >= limit) || (refusalLimit > 0 && c.refused >= refusalLimit)
        }
    }

    /// Writes `line` and counts it; true when it was a refusal (the caller pauses).
    func record(_ line: String) -> Bool {
        counts.withLock { c in
            if line.hasPrefix("ACK ") { c.acked += 1 } else if line.hasPrefix("REFUSED ") { c.refused += 1 } else {
                c.bad += 1
            }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            return line.hasPrefix("REFUSED ")
        }
    }

    func emit(_ line: String) {
        counts.withLock { c in
            if line.hasPrefix("NOCONN ") { c.noconn += 1 }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    var summary: String {
        counts.withLock { c in "SUMMARY acked=\(c.acked) refused=\(c.refused) bad=\(c.bad) noconn=\(c.noconn)" }
    }
}

import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Registry

extension CertLedgerBench {
    /// The load side of `Scripts/crash-trials`: sends signed link.share submissions to a development daemon from
    /// several connections until the daemon goes away, printing `ACK <index> <leafHash>` for every entry the daemon
    /// acknowledged (201) — the record the trial later checks against the restarted daemon. Output is flushed per
    /// line so that nothing acknowledged is lost with this process.
    struct CrashLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crash-load",
            abstract: "Submit until the daemon dies; print every acknowledged entry.")

        @Option(help: "The daemon.") var server = "http://127.0.0.1:8080"
        @Option(help: "The development ledger's folder (for the demo department keys).") var devFolder: String
        @Option(help: "Config/examples.") var examples = "Config/examples"
        @Option(help: "Concurrent connections.") var concurrency = 16

        func run() async throws {
            let client = try LedgerHTTPClient(url: server, timeout: .seconds(10))
            let demo = try DemoSigner(devFolder: devFolder)
            try await demo.issueLicense(client: client, examples: examples)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        // Each connection submits until it fails (the daemon was killed), then stops.
                        _ = try? await client.withConnection { connection throws(HTTPClientError) in
                            while true {
                                guard let body = try? demo.link().canonicalBytes else { return }
                                let answer = try await connection.send(
                                    "POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                    body: body)
                                guard answer.status == 201,
                                      let json = try? JSONValue.parse(answer.body),
                                      let entry = json["entries"]?.arrayValue?.first,
                                      let index = entry["index"]?.numberValue,
                                      let leaf = entry["leafHash"]?.stringValue else { continue }
                                FileHandle.standardOutput.write(Data("ACK \(UInt64(index)) \(leaf)\n".utf8))
                            }
                        }
                    }
                }
            }
        }
    }
}

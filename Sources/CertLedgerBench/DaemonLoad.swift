import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Registry

extension CertLedgerBench {
    /// The load generator of `Scripts/bench-daemon`: a separate process on 127.0.0.1 that sends Ed25519-signed
    /// submissions to a running development daemon at several concurrencies (each client its own keep-alive
    /// connection, one request in flight), then verification queries. Submissions are signed before the clock
    /// starts, so the figure is the daemon's, not the generator's signing.
    struct DaemonLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "daemon-load",
            abstract: "Submissions/s and verifications/s against a running certledgerd --dev.")

        @Option(help: "The daemon, or several sharing one ledger (comma-separated): clients are spread over them.")
        var server = "http://127.0.0.1:8080"
        @Option(help: "The development ledger's folder (for the demo department keys).") var devFolder: String
        @Option(help: "Config/examples (the license to issue first).") var examples = "Config/examples"
        @Option(help: "Concurrency levels for submissions, comma-separated.") var concurrency = "1,8,32,128"
        @Option(help: "Submissions per concurrency level.") var submissions = 20_000
        @Option(help: "Verification queries.") var verifications = 50_000
        @Option(help: "The submitting department's key: ed25519, ecdsa-p256-sha256 or sm2-sm3.")
        var algorithm = "ed25519"
        @Option(help: "Concurrency of the verification queries.") var verifyConcurrency = 32
        @Option(help: """
            Send the submissions in bulk requests (POST /v1/submissions/bulk) of this many lines each, every line \
            checked to be 201; 0 (default) sends them one per request. Concurrency then counts bulk requests.
            """)
        var bulk = 0

        func run() async throws {
            let clients = try server.split(separator: ",").map {
                try LedgerHTTPClient(url: String($0), timeout: .seconds(60))
            }
            guard let client = clients.first else { throw ValidationError("--server names no daemon") }
            guard let signatureAlgorithm = SignatureAlgorithm(rawValue: algorithm) else {
                throw ValidationError("--algorithm must be ed25519, ecdsa-p256-sha256 or sm2-sm3")
            }
            let demo = try DemoSigner(devFolder: devFolder, algorithm: signatureAlgorithm)
            try await demo.issueLicense(client: client, examples: examples)
            try await demo.registerLinker(client: client)
            try await Self.waitUntilAllKnowTheLicense(clients)
            let levels = concurrency.split(separator: ",").compactMap { Int($0) }
            // With --bulk, latencies are of whole bulk requests; rates are of submissions either way.
            let unit = bulk > 0 ? "p50 ms per bulk request of \(bulk) | p99 ms per bulk request" : "p50 ms | p99 ms"
            print("| concurrency | submissions | submissions/s | \(unit) |")
            print("| --- | --- | --- | --- | --- |")
            var best = 0.0
            for level in levels {
                let bodies = try (0..<submissions).map { _ in try demo.link().canonicalBytes }
                let result: Result
                if bulk > 0 {
                    let requests = stride(from: 0, to: bodies.count, by: bulk).map {
                        Array(bodies[$0..<min($0 + bulk, bodies.count)].map { $0 + [0x0A] }.joined())
                    }
                    result = try await drive(clients: clients, level: level, count: requests.count,
                                             bulkSubmissions: bodies.count) { i in
                        ("/v1/submissions/bulk", requests[i], [200])
                    }
                } else {
                    result = try await drive(clients: clients, level: level, count: bodies.count) { i in
                        ("/v1/submissions", bodies[i], [201])
                    }
                }
                best = max(best, result.rate)
                print("| \(level) | \(bodies.count) | \(Int(result.rate)) | \(result.p50) | \(result.p99) |")
                print("SUBMISSIONS \(level) \(bodies.count) \(Int(result.rate)) \(result.p50) \(result.p99)")
            }
            print("BEST_SUBMISSIONS_PER_SECOND \(Int(best))")
            let question = Array(#"{"subject":"license","uscc":"91350100MA2YDE7W7J"}"#.utf8)
            let verified = try await drive(clients: clients, level: verifyConcurrency, count: verifications) { _ in
                ("/v1/verify", question, [200])
            }
            print("")
            print("| verification queries | concurrency | verifications/s | p50 ms | p99 ms |")
            print("| --- | --- | --- | --- | --- |")
            print("| \(verifications) | \(verifyConcurrency) | \(Int(verified.rate)) | \(verified.p50) | \(verified.p99) |")
            print("VERIFICATIONS_PER_SECOND \(Int(verified.rate)) P99_MS \(verified.p99)")
            print("VERIFICATIONS \(verifications) \(verifyConcurrency) \(Int(verified.rate)) \(verified.p50) "
                  + "\(verified.p99)")
        }

        struct Result {
            let rate: Double
            let p50: String
            let p99: String
        }

        /// Daemons sharing a ledger learn of each other's entries by following the store: the load starts once
        /// every one of them knows the license (and the linker registered with it).
        static func waitUntilAllKnowTheLicense(_ clients: [LedgerHTTPClient]) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            for client in clients.dropFirst() {
                while try await client.send("GET", "/v1/licenses/91350100MA2YDE7W7J").status != 200 {
                    guard ContinuousClock.now < deadline else {
                        throw ValidationError("\(client.endpoint) never learned of the license: not sharing a ledger?")
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }

        /// `level` clients, each on its own keep-alive connection to one of the daemons (round robin), take request
        /// numbers from a shared counter until `count` are done; every answer's status is checked. With
        /// `bulkSubmissions` (the submissions the `count` bulk requests carry in all), every line of each answer must
        /// say 201, and the rate counts submissions rather than requests.
        private func drive(clients: [LedgerHTTPClient], level: Int, count: Int, bulkSubmissions: Int? = nil,
                           request: @escaping @Sendable (Int) -> (String, [UInt8], [Int])) async throws -> Result {
            let bulk = bulkSubmissions != nil
            let counter = RequestCounter()
            let start = ContinuousClock.now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for number in 0..<level {
                    let client = clients[number % clients.count]
                    group.addTask {
                        try await client.withConnection { connection throws(HTTPClientError) in
                            var mine: [Double] = []
                            while let i = counter.next(below: count) {
                                let (path, body, ok) = request(i)
                                let sent = ContinuousClock.now
                                let type = bulk ? "application/x-ndjson" : "application/json"
                                let answer = try await connection.send("POST", path, headers: [("Content-Type", type)],
                                                                       body: body)
                                mine.append((ContinuousClock.now - sent).milliseconds)
                                guard ok.contains(answer.status) else {
                                    throw HTTPClientError(.protocolError, "\(path): \(answer.status) \(answer.text)")
                                }
                                if bulk {
                                    let lines = answer.body.split(separator: 0x0A)
                                    let refused = lines.first { line in
                                        (try? JSONValue.parse(Array(line)))?["status"] != .number(201)
                                    }
                                    if let refused {
                                        throw HTTPClientError(.protocolError, "\(path): a line was not accepted: "
                                                              + String(decoding: refused.prefix(300), as: UTF8.self))
                                    }
                                }
                            }
                            return mine
                        }
                    }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all.sorted()
            }
            let seconds = (ContinuousClock.now - start).milliseconds / 1000
            func percentile(_ p: Double) -> String {
                guard !latencies.isEmpty else { return "-" }
                return String(format: "%.2f", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))])
            }
            // Every request was answered with every line accepted (anything else threw): all submissions count.
            let done = bulkSubmissions ?? latencies.count
            return Result(rate: Double(done) / seconds, p50: percentile(0.5), p99: percentile(0.99))
        }
    }
}

/// A shared request counter.
final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

import ArgumentParser
import Foundation
import LedgerClient
import Registry
import SignedNote
import Synchronization

extension CertLedgerBench {
    /// The witnessing-delay probe of `Scripts/bench-witness`: how long after a submission's acknowledgement a
    /// checkpoint covering it, cosigned by a quorum of the verifying side's witness policy, is served at `/checkpoint`.
    ///
    /// It sends pre-signed submissions (one per line of `--bodies`, each sent once) one at a time, `--every-ms`
    /// apart, with a plain `POST /v1/submissions` (no `?wait`): the acknowledgement time is when the 201 arrived,
    /// and the entry's index comes from the answer. Beside it one loop reads `GET /checkpoint` every `--poll-ms` and
    /// checks it under the policy (the log's signature and a quorum of valid cosignatures); an entry is witnessed
    /// at the first poll whose checkpoint verifies and has a tree size above its index. The delay of each entry is
    /// that poll's time minus its acknowledgement time, so it reads up to `--poll-ms` late. The probe stops sending
    /// once `--stop-file` exists (or its bodies run out), waits at most `--wait-seconds` for the last entries, and
    /// prints one `DELAY_MS index milliseconds` line per entry; an entry never witnessed in time fails the run.
    ///
    /// `--load-only` sends the same submissions and reads `/checkpoint` as often, without a policy and without
    /// waiting for anything: the probe's own load on a daemon without witnesses, so that a comparison of ingest
    /// with and without witnesses puts the same load on both sides.
    struct AckToWitnessed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack-to-witnessed",
            abstract: "Delay from a submission's 201 to the first witnessed checkpoint covering it.")

        @Option(help: "The daemon (configured with witnesses).") var server = "http://127.0.0.1:8080"
        @Option(help: "Pre-signed submissions, one canonical-JSON body per line.") var bodies: String
        @Option(help: "The verifying side's witness policy file (required unless --load-only).")
        var witnessPolicy: String?
        @Flag(help: "Only send the probe's load: no policy, no waiting, no delays printed.") var loadOnly = false
        @Option(help: "Milliseconds between two probe submissions.") var everyMs = 100
        @Option(help: "Milliseconds between two reads of /checkpoint.") var pollMs = 10
        @Option(help: "Stop sending once this file exists.") var stopFile: String?
        @Option(help: "At most this many probe submissions.") var count = Int.max
        @Option(help: "How long to wait for the last entries to be witnessed.") var waitSeconds = 30

        func validate() throws {
            guard everyMs >= 1, pollMs >= 1, count >= 1, waitSeconds >= 1 else {
                throw ValidationError("--every-ms, --poll-ms, --count and --wait-seconds must be at least 1")
            }
            guard loadOnly || witnessPolicy != nil else { throw ValidationError("give --witness-policy FILE") }
        }

        func run() async throws {
            let policy = try witnessPolicy.map { path in
                do { return try WitnessPolicy(parsing: try String(contentsOfFile: path, encoding: .utf8)) } catch {
                    throw ValidationError("--witness-policy \(path): \(error)")
                }
            }
            let lines = try String(contentsOfFile: bodies, encoding: .utf8)
                .split(separator: "\n").prefix(count).map { Array($0.utf8) }
            guard !lines.isEmpty else { throw ValidationError("--bodies \(bodies) holds no submission") }
            let client = try LedgerHTTPClient(url: server, timeout: .seconds(60))
            let probes = Probes()
            // A failure of the poller before it is cancelled (a checkpoint that does not verify, a refused read) is
            // kept and fails the run; what a cancelled request throws is not a failure.
            let poller = Task {
                do { try await poll(client: client, policy: policy, probes: probes) } catch {
                    if !Task.isCancelled { probes.failed(error) }
                }
            }
            defer { poller.cancel() }
            let start = ContinuousClock.now
            for (number, body) in lines.enumerated() {
                if let stopFile, FileManager.default.fileExists(atPath: stopFile) { break }
                let answer = try await client.send("POST", "/v1/submissions",
                                                   headers: [("Content-Type", "application/json")], body: body)
                let acknowledged = ContinuousClock.now
                guard answer.status == 201 else {
                    throw ValidationError("probe submission \(number): \(answer.status) \(answer.text.prefix(300))")
                }
                let decoded = try JSONDecoder().decode(SubmissionAnswer.self, from: Data(answer.body))
                guard let index = decoded.entries.first?.index else {
                    throw ValidationError("probe submission \(number): an answer without an entry")
                }
                if !loadOnly { probes.acknowledged(index: index, at: acknowledged) }
                let next = start + .milliseconds(everyMs * (number + 1))
                if next > ContinuousClock.now { try await Task.sleep(until: next, clock: .continuous) }
            }
            let deadline = ContinuousClock.now + .seconds(waitSeconds)
            while probes.pending > 0, probes.failure == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(pollMs))
            }
            poller.cancel()
            await poller.value
            if let failure = probes.failure { throw failure }
            let (done, pending) = probes.results()
            for (index, delay) in done.sorted(by: { $0.index < $1.index }) {
                print("DELAY_MS \(index) \(String(format: "%.1f", delay))")
            }
            guard pending.isEmpty else {
                throw ValidationError("\(pending.count) acknowledged entries (first index \(pending.min()!)) were "
                    + "not covered by a witnessed checkpoint within \(waitSeconds) s")
            }
        }

        /// Reads `/checkpoint` every `pollMs` until cancelled; each checkpoint that verifies under `policy` resolves
        /// the entries below its size.
        private func poll(client: LedgerHTTPClient, policy: WitnessPolicy?, probes: Probes) async throws {
            var lastSize: UInt64 = 0
            var lastBody: [UInt8] = []
            while !Task.isCancelled {
                let answer = try await client.send("GET", "/checkpoint")
                let seen = ContinuousClock.now
                if let policy, !loadOnly, answer.status == 200, answer.body != lastBody {
                    lastBody = answer.body
                    switch policy.check(answer.body) {
                    case .witnessed(let witnessed):
                        lastSize = max(lastSize, witnessed.checkpoint.size)
                    case .refused(let reason):
                        throw ValidationError("GET /checkpoint does not verify under the witness policy: \(reason)")
                    }
                }
                probes.witnessed(size: lastSize, at: seen)
                try await Task.sleep(for: .milliseconds(pollMs))
            }
        }
    }
}

/// The probe's entries: acknowledged and waiting, or witnessed with their delay in milliseconds.
private final class Probes: Sendable {
    private struct State {
        var waiting: [UInt64: ContinuousClock.Instant] = [:]
        var done: [(index: UInt64, delay: Double)] = []
        var failure: (any Error)?
    }
    private let state = Mutex(State())

    func acknowledged(index: UInt64, at instant: ContinuousClock.Instant) {
        state.withLock { $0.waiting[index] = instant }
    }

    func witnessed(size: UInt64, at instant: ContinuousClock.Instant) {
        state.withLock { state in
            for (index, acknowledged) in state.waiting where index < size {
                let delay = instant - acknowledged
                let ms = Double(delay.components.seconds) * 1000 + Double(delay.components.attoseconds) / 1e15
                state.done.append((index, max(0, ms)))
                state.waiting[index] = nil
            }
        }
    }

    var pending: Int { state.withLock { $0.waiting.count } }

    /// The poller's first failure, if any.
    var failure: (any Error)? { state.withLock { $0.failure } }

    func failed(_ error: any Error) {
        state.withLock { if $0.failure == nil { $0.failure = error } }
    }

    func results() -> (done: [(index: UInt64, delay: Double)], pending: [UInt64]) {
        state.withLock { ($0.done, Array($0.waiting.keys)) }
    }
}

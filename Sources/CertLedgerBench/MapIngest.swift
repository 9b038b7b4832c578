import ArgumentParser
import Foundation
import LedgerCrypto
import Log
import LogSQLite
import Logging
import Registry

extension CertLedgerBench {
    /// What the status map costs ingest, measured directly: the same stream of pre-signed `license.issue`
    /// submissions (new holders, two new map keys each) is pre-checked (signature verified) and sequenced by a
    /// Registry-gated sequencer on a SQLite log with fsync, concurrently as the daemon's requests are, once with
    /// the daemon's status map (a `map.root` closing every batch, the map in its SQLite file with the in-memory
    /// mirror) and once without a map, on fresh ledgers, the two alternating. No HTTP: the map's share of a
    /// daemon's per-submission cost is smaller than here, so the ratio is a lower bound for the daemon.
    struct MapIngest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "map-ingest",
            abstract: "Ingest of license.issue submissions with and without the status map (no HTTP)."
        )

        @Option(help: "Submissions per run.")
        var submissions = 20_000

        @Option(help: "Runs of each kind, alternating (map first in odd rounds).")
        var rounds = 2

        @Option(help: "Submissions in flight at once (the daemon's concurrent requests).")
        var concurrency = 64

        @Option(help: "Which runs: both (alternating), map (with the status map only) or none (without it only).")
        var runs = "both"

        @Option(help: "Folder for the ledgers (default: a temporary one, removed after).")
        var folder: String?

        func validate() throws {
            guard submissions > 0, rounds > 0, concurrency > 0 else {
                throw ValidationError("--submissions, --rounds and --concurrency must be positive")
            }
            guard ["both", "map", "none"].contains(runs) else { throw ValidationError("--runs must be both, map or none") }
        }

        func run() async throws {
            let base = folder ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("certledger-map-ingest-\(getpid())").path
            defer { if folder == nil { try? FileManager.default.removeItem(atPath: base) } }
            let bench = BenchLedger(amr: try PrivateKey.generate(.ed25519), psb: try PrivateKey.generate(.ed25519),
                                    bdc: try PrivateKey.generate(.ed25519))
            let signed = try await Self.sign(bench, submissions)
            print("| round | status map | submissions/s | CPU µs per submission | entries per batch |")
            print("| --- | --- | --- | --- | --- |")
            var with: [Run] = [], without: [Run] = []
            for round in 1...rounds {
                let kinds = runs == "map" ? [true] : runs == "none" ? [false] : round % 2 == 1 ? [true, false] : [false, true]
                for withMap in kinds {
                    let run = try await Self.ingest(signed, bench: bench, withMap: withMap, concurrency: concurrency,
                                                    folder: base + "/round\(round)-\(withMap ? "map" : "nomap")")
                    print("| \(round) | \(withMap ? "yes" : "no") | \(Int(run.rate)) | "
                          + String(format: "%.1f", run.cpuMicros) + " | " + String(format: "%.1f", run.perBatch) + " |")
                    if withMap { with.append(run) } else { without.append(run) }
                }
            }
            let bestWith = with.map(\.rate).max() ?? 0, bestWithout = without.map(\.rate).max() ?? 1
            let cpuWith = with.map(\.cpuMicros).min() ?? 0, cpuWithout = without.map(\.cpuMicros).min() ?? 0
            print("")
            print("MAP_INGEST_RATIO " + String(format: "%.3f", bestWith / bestWithout) + " (best rate with ÷ without)")
            print("MAP_INGEST_CPU " + String(format: "%.1f %.1f %.1f", cpuWith, cpuWithout, cpuWith - cpuWithout)
                  + " (lowest CPU µs per submission with, without, difference)")
        }

        struct Run {
            let rate: Double
            let cpuMicros: Double
            let perBatch: Double
        }

        /// Signs `count` license.issue submissions on both cores.
        static func sign(_ bench: BenchLedger, _ count: Int) async throws -> [Submission] {
            let middle = count / 2
            @Sendable func part(_ range: Range<Int>) throws -> [Submission] {
                try range.map { try bench.licenseIssue($0) }
            }
            async let first = part(0..<middle)
            let second = try part(middle..<count)
            return try await first + second
        }

        /// One run on a fresh ledger in `folder`: the bootstrap, then every submission pre-checked and submitted by
        /// `concurrency` tasks; the rate and the process's CPU per submission over the submissions alone.
        static func ingest(_ signed: [Submission], bench: BenchLedger, withMap: Bool, concurrency: Int,
                           folder: String) async throws -> Run {
            let harness = try await LogHarness.open(folder: folder, create: true)
            do {
                let run = try await ingest(signed, bench: bench, withMap: withMap, concurrency: concurrency,
                                           folder: folder, harness: harness)
                await harness.store.close()
                return run
            } catch {
                await harness.store.close()
                throw error
            }
        }

        static func ingest(_ signed: [Submission], bench: BenchLedger, withMap: Bool, concurrency: Int,
                           folder: String, harness: LogHarness) async throws -> Run {
            let bootstrap = try bench.bootstrap(on: harness, receiptKey: try PrivateKey.generate(.ed25519).publicKey)
            let registry = Registry()
            var logger = Logger(label: "certledger.bench")
            logger.logLevel = .warning
            var finisher: (any BatchFinisher)?
            if withMap {
                let file = try SQLiteMapNodeStore.create(path: folder + "/status-map.sqlite")
                let map = try RecomputedStatusMap(store: try MirroredMapNodeStore(file: file), version: 0,
                                                  versioned: true, hasher: MapHasher(harness.identity.hashAlgorithm))
                finisher = StatusMapFinisher(registry: registry, recomputed: map,
                                             hashAlgorithm: harness.identity.hashAlgorithm, logger: logger)
            }
            let sequencer = Sequencer(store: harness.store, head: try await TreeHead.load(from: harness.store,
                                                                                        identity: harness.identity),
                                      identity: harness.identity, signer: harness.signer, gate: registry,
                                      finisher: finisher, logger: logger)
            var run = Run(rate: 0, cpuMicros: 0, perBatch: 0)
            try await AuditLedger.running(sequencer) {
                _ = try await bootstrap.run(sequencer: sequencer, registry: registry)
                let startSize = sequencer.head.size
                let cpu = Self.cpuSeconds(), clock = ContinuousClock(), began = clock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for lane in 0..<concurrency {
                        group.addTask {
                            for n in stride(from: lane, to: signed.count, by: concurrency) {
                                guard let checked = try registry.precheck(signed[n]).checked else {
                                    throw HarnessError("submission \(n) is already in the log")
                                }
                                _ = try await sequencer.submit(registry.admission(for: [checked]))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let seconds = (clock.now - began).milliseconds / 1_000
                let used = Self.cpuSeconds() - cpu
                let added = Double(sequencer.head.size - startSize)
                // With the map every batch adds one map.root entry beside its submissions.
                let batches = withMap ? added - Double(signed.count) : 0
                run = Run(rate: Double(signed.count) / seconds, cpuMicros: used / Double(signed.count) * 1e6,
                          perBatch: batches > 0 ? Double(signed.count) / batches : 0)
            }
            return run
        }

        /// This process's user + system CPU time so far.
        static func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
    }
}

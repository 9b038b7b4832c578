import ArgumentParser
import Foundation
import LedgerCrypto
import Log
import Logging
import Registry

extension CertLedgerBench {
    /// Writes a ledger the daemon can serve, for the start-up benchmark (`Scripts/bench-start`): the bootstrap and
    /// `--entries` real Ed25519-signed submissions (`BenchLedger`) through a sequencer gated by the Registry and
    /// closing every batch with a `map.root` entry, as the daemon writes them — no HTTP. Unlike `audit-ledger` it
    /// keeps the receipt key (`receipt.key`), so that `certledgerd` starts on the folder.
    struct StartLedger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start-ledger",
            abstract: "Create a ledger of about N entries with map roots that certledgerd can serve."
        )

        @Option(help: "Entries in the log, map roots included (rounded to whole batches).")
        var entries = 1_000_000

        @Option(help: "Folder to create (log.sqlite, checkpoint keys, receipt.key, question.json); must hold no log.")
        var data: String

        @Option(help: "Bench submissions per batch (a multiple of ten); each batch ends with a map.root entry.")
        var batch = 1_000

        func validate() throws {
            guard entries >= 0, entries < 250_000_000 else { throw ValidationError("--entries must be 0..<2.5e8") }
            guard (10...4_000).contains(batch), batch % 10 == 0 else {
                throw ValidationError("--batch must be a multiple of 10 in 10...4000")
            }
        }

        func run() async throws {
            let clock = ContinuousClock(), began = clock.now
            let harness = try await LogHarness.open(folder: data, create: true)
            let receiptKey = try PrivateKey.generate(.ed25519)
            let pem = Data(try receiptKey.pkcs8PEM().utf8)
            guard FileManager.default.createFile(atPath: data + "/receipt.key", contents: pem,
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw HarnessError("cannot write \(data)/receipt.key")
            }
            let bench = BenchLedger(amr: try PrivateKey.generate(.ed25519), psb: try PrivateKey.generate(.ed25519),
                                    bdc: try PrivateKey.generate(.ed25519))
            let bootstrap = try bench.bootstrap(on: harness, receiptKey: receiptKey.publicKey)
            let registry = Registry()
            let map = try RecomputedStatusMap(store: MemoryMapNodeStore(), version: 0, versioned: false,
                                              hasher: MapHasher(harness.identity.hashAlgorithm))
            var logger = Logger(label: "certledger.bench")
            logger.logLevel = .warning
            let finisher = StatusMapFinisher(registry: registry, recomputed: map,
                                             hashAlgorithm: harness.identity.hashAlgorithm, logger: logger)
            var config = SequencerConfig()
            config.maxBatchEntries = batch
            config.maxGroupEntries = batch
            config.queueLimit = max(config.queueLimit, 2 * batch)
            let sequencer = Sequencer(store: harness.store, head: try await TreeHead.load(from: harness.store,
                                                                                        identity: harness.identity),
                                      identity: harness.identity, signer: harness.signer, gate: registry,
                                      finisher: finisher, config: config, logger: logger)
            let batches = max(0, entries - 20) / (batch + 1)
            let total = batches * batch, step = batch
            try await AuditLedger.running(sequencer) {
                _ = try await bootstrap.run(sequencer: sequencer, registry: registry)
                let base = sequencer.head.size
                var start = 0
                var checked = try await Self.prepare(bench, registry, 0..<min(total, step), base, step)
                while !checked.isEmpty {
                    let next = start + checked.count
                    // Sign and pre-check the next batch on both cores while this one is admitted and fsync'd.
                    async let upcoming = Self.prepare(bench, registry, next..<min(total, next + step), base, step)
                    let result = try await sequencer.submit(registry.admission(for: checked))
                    let expected = base + UInt64(start + start / step)
                    guard result.items.first?.entry.index == expected else {
                        throw HarnessError("batch at \(start) landed at \(result.items.first?.entry.index ?? 0), "
                                           + "not \(expected)")
                    }
                    if next % 100_000 < step {
                        FileHandle.standardError.write(Data("\(next)/\(total) submissions\n".utf8))
                    }
                    checked = try await upcoming
                    start = next
                }
            }
            // A question the benchmark asks the started daemon: the license of the first bench holder (amended).
            let question = #"{"subject":"license","uscc":"\#(BenchLedger.uscc(0))"}"#
            guard FileManager.default.createFile(atPath: data + "/question.json", contents: Data(question.utf8)) else {
                throw HarnessError("cannot write \(data)/question.json")
            }
            let elapsed = clock.now - began
            print("ledger \(harness.identity.origin): \(sequencer.head.size) entries in \(data) (\(elapsed))")
        }

        /// Signs and pre-checks bench entries `range` on two tasks, in order: the checked submissions, ready for the
        /// gated sequencer.
        static func prepare(_ bench: BenchLedger, _ registry: Registry, _ range: Range<Int>, _ base: UInt64,
                            _ batch: Int) async throws -> [CheckedSubmission] {
            let middle = range.lowerBound + range.count / 2
            @Sendable func half(_ part: Range<Int>) async throws -> [CheckedSubmission] {
                try part.map { n in
                    let submission = try bench.submission(n, base: base, batch: batch)
                    guard let checked = try registry.precheck(submission).checked else {
                        throw HarnessError("bench entry \(n) is already in the log")
                    }
                    return checked
                }
            }
            async let first = half(range.lowerBound..<middle)
            let second = try await half(middle..<range.upperBound)
            return try await first + second
        }
    }
}

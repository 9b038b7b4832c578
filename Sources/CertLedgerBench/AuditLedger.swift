import ArgumentParser
import Foundation
import LedgerCrypto
import Log
import LogSQLite
import Registry
import SignedNote

extension CertLedgerBench {
    /// Writes a full ledger for the audit benchmark: a genesis and three departments through the
    /// Registry-gated sequencer, then `--entries` real Ed25519-signed submissions (`BenchLedger`) straight through
    /// an ungated sequencer into SQLite, every batch closed with its map root (`ReplayedStatusMapFinisher`) — no HTTP, no pre-check, so a million entries take minutes, not hours. The
    /// result passes `certledger audit` exactly as a ledger written through the daemon does.
    struct AuditLedger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit-ledger",
            abstract: "Create a ledger of N signed license/seal/link submissions for the audit benchmark."
        )

        @Option(help: "Submissions after the genesis and the three department registrations.")
        var entries = 1_000_000

        @Option(help: "Folder to create (log.sqlite, checkpoint.skey, checkpoint.vkey); must not hold a log.")
        var data: String

        @Option(help: "Entries signed and appended per group (one transaction each).")
        var group = 1_024

        func validate() throws {
            guard entries >= 0, entries < 250_000_000 else { throw ValidationError("--entries must be 0..<2.5e8") }
            guard (1...4_096).contains(group) else { throw ValidationError("--group must be 1...4096") }
        }

        func run() async throws {
            let clock = ContinuousClock(), began = clock.now
            let harness = try await LogHarness.open(folder: data, create: true)
            let bench = BenchLedger(amr: try PrivateKey.generate(.ed25519), psb: try PrivateKey.generate(.ed25519),
                                    bdc: try PrivateKey.generate(.ed25519))
            let bootstrap = try bench.bootstrap(on: harness, receiptKey: try PrivateKey.generate(.ed25519).publicKey)
            let registry = Registry()
            // Every batch, the bootstrap's and the bulk's, ends with the map root of the status map replayed from
            // the entries, as the daemon's do: the audit recomputes and compares them all.
            let finisher = try ReplayedStatusMapFinisher(identity: harness.identity, gate: registry)
            let gated = Sequencer(store: harness.store, head: try await TreeHead.load(from: harness.store,
                                                                                     identity: harness.identity),
                                  identity: harness.identity, signer: harness.signer, gate: registry,
                                  finisher: finisher)
            try await Self.running(gated) { _ = try await bootstrap.run(sequencer: gated, registry: registry) }

            var config = SequencerConfig()
            config.maxBatchEntries = group
            config.maxGroupEntries = group
            config.queueLimit = max(config.queueLimit, 2 * group)
            finisher.dropGate()
            let sequencer = try await harness.sequencer(config: config, finisher: finisher)
            let base = sequencer.head.size
            let total = entries, step = group
            try await Self.running(sequencer) {
                var start = 0
                // Bench entry n follows n / step closed groups, each ended by its map root.
                let index: @Sendable (Int) -> UInt64 = { n in base + UInt64(n + n / step) }
                var payloads = try await Self.sign(bench, 0..<min(total, step), index)
                while !payloads.isEmpty {
                    let next = start + payloads.count
                    // Sign the next group on both cores while this one is appended and fsync'd.
                    async let upcoming = Self.sign(bench, next..<min(total, next + step), index)
                    let result = try await sequencer.submit(payloads)
                    guard result.items.first?.entry.index == index(start) else {
                        throw HarnessError("group at \(start) landed at \(result.items.first?.entry.index ?? 0)")
                    }
                    if next % 100_000 < step {
                        FileHandle.standardError.write(Data("\(next)/\(total) entries\n".utf8))
                    }
                    payloads = try await upcoming
                    start = next
                }
            }
            let elapsed = clock.now - began
            print("ledger \(harness.identity.origin): \(sequencer.head.size) entries in \(data) (\(elapsed))")
        }

        /// Runs `body` while `sequencer` runs, then stops it and waits for its last batch.
        static func running(_ sequencer: Sequencer, _ body: () async throws -> Void) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await sequencer.run() }
                do { try await body() } catch {
                    sequencer.stopIntake()
                    throw error
                }
                sequencer.stopIntake()
                try await group.waitForAll()
            }
        }

        /// Signs entries `range` on two tasks (the machine's two cores), in order.
        static func sign(_ bench: BenchLedger, _ range: Range<Int>,
                         _ index: @escaping @Sendable (Int) -> UInt64) async throws -> [[UInt8]] {
            let middle = range.lowerBound + range.count / 2
            @Sendable func half(_ part: Range<Int>) async throws -> [[UInt8]] {
                try part.map { try bench.payload($0, index: index) }
            }
            async let first = half(range.lowerBound..<middle)
            let second = try await half(middle..<range.upperBound)
            return try await first + second
        }
    }
}

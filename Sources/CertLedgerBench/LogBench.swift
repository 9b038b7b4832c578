import ArgumentParser
import Foundation
import LedgerCrypto
import Log

extension CertLedgerBench {
    /// The log layer alone: durable appends of pre-verified ~700-byte entries through the
    /// sequencer into SQLite, disk bytes per entry, RSS as the log grows, and proof latency at the end.
    struct LogBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Append N entries durably through the sequencer into SQLite and measure."
        )

        @Option(help: "Entries to append.")
        var entries = 1_000_000

        @Option(help: "Approximate payload size in bytes (the entry adds ~110 bytes of envelope).")
        var entryBytes = 600

        @Option(help: "Concurrent submitters (each submits one entry at a time).")
        var concurrency = 2_048

        @Option(help: "Most entries per batch.")
        var batch = 256

        @Option(help: "Folder for the log; a fresh temporary folder if omitted (removed afterwards).")
        var data: String?

        @Option(help: "Random proofs to time at the end.")
        var proofs = 2_000

        func run() async throws {
            let folder = data ?? NSTemporaryDirectory() + "certledger-bench-\(getpid())"
            defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
            let harness = try await LogHarness.open(folder: folder, create: true)
            var config = SequencerConfig()
            config.maxBatchEntries = batch
            config.queueLimit = max(config.queueLimit, concurrency * 2)
            let sequencer = try await harness.sequencer(config: config)
            let start0 = sequencer.head.size
            let total = entries
            let counter = Counter(0)
            let marks = Marks()
            let clock = ContinuousClock()
            let began = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await sequencer.run() }
                try await withThrowingTaskGroup(of: Void.self) { load in
                    for _ in 0..<min(concurrency, total) {
                        load.addTask {
                            while true {
                                let n = counter.next()
                                if n >= total { return }
                                let result = try await sequencer.submit([benchPayload(n, bytes: entryBytes)])
                                let done = result.items[0].entry.index - start0 + 1
                                if done == 10_000 { marks.set10k(clock.now - began, rss: Memory.rssKB) }
                            }
                        }
                    }
                    try await load.waitForAll()
                }
                sequencer.stopIntake()
                try await group.waitForAll()
            }
            let elapsed = clock.now - began
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let size = sequencer.head.size
            let rssEnd = Memory.rssKB
            let disk = ["log.sqlite", "log.sqlite-wal", "log.sqlite-shm"].reduce(0) { sum, name in
                let attrs = try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)
                return sum + ((attrs?[.size] as? NSNumber)?.intValue ?? 0)
            }

            // Proof latency, warm: the same reader path the daemon uses.
            let reader = LogReader(store: harness.store, hashAlgorithm: .sha256)
            var rng = SystemRandomNumberGenerator()
            let indices = (0..<proofs).map { _ in UInt64.random(in: 0..<size, using: &rng) }
            for i in indices.prefix(100) { _ = try await reader.inclusionProof(index: i, size: size, treeSize: size) }
            let t1 = clock.now
            for i in indices { _ = try await reader.inclusionProof(index: i, size: size, treeSize: size) }
            let inclusion = (clock.now - t1) / proofs
            let t2 = clock.now
            for i in indices where i > 0 {
                _ = try await reader.consistencyProof(size1: i, size2: size, treeSize: size)
            }
            let consistency = (clock.now - t2) / proofs

            let rate = Double(total) / seconds
            print("| metric | value |")
            print("| --- | --- |")
            print("| entries appended (durable, acknowledged) | \(total) in \(String(format: "%.2f", seconds)) s |")
            print("| entries/s | \(Int(rate)) |")
            print("| tree size | \(size) |")
            print("| bytes on disk per entry | \(size > 0 ? disk / Int(size) : 0) (payload ≈ \(entryBytes) B) |")
            if let m = marks.value {
                print("| RSS at 10k entries | \(m.rss / 1024) MiB (after \(m.elapsed)) |")
            }
            print("| RSS at \(size) entries | \(rssEnd / 1024) MiB (peak \(Memory.peakKB / 1024) MiB) |")
            print("| warm inclusion proof at \(size) | \(inclusion) |")
            print("| warm consistency proof at \(size) | \(consistency) |")
        }
    }
}

/// The 10k-entry mark (time and RSS), set once by whichever submitter gets entry 10,000.
final class Marks: @unchecked Sendable {
    private let lock = NSLock()
    private var mark: (elapsed: Duration, rss: Int)?
    func set10k(_ elapsed: Duration, rss: Int) { lock.withLock { if mark == nil { mark = (elapsed, rss) } } }
    var value: (elapsed: Duration, rss: Int)? { lock.withLock { mark } }
}

import ArgumentParser
import CanonicalJSON
import Foundation
import Log
import LogSQLite

extension CertLedgerBench {
    /// The audit's JSON cost in isolation: the canonical bytes of N entries' `submission` members, read
    /// from a ledger's SQLite file, parsed in a loop by `JSONValue.parseCheckingCanonical` exactly as the audit
    /// parses each one. Reports nanoseconds per document, wall and thread CPU time, as the minimum over rounds (the
    /// least-disturbed round on a shared host) and the median, so that two builds of the parser can be compared.
    struct JSONParseBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "json-parse",
            abstract: "Measure JSONValue.parseCheckingCanonical on the submissions of a ledger."
        )

        @Option(help: "Folder holding log.sqlite (e.g. one written by `audit-ledger`).")
        var data: String

        @Option(help: "Entries to read, from the start of the log.")
        var entries = 10_000

        @Option(help: "Rounds; each parses every document once.")
        var rounds = 20

        func validate() throws {
            guard (1...10_000_000).contains(entries) else { throw ValidationError("--entries must be 1...1e7") }
            guard (1...10_000).contains(rounds) else { throw ValidationError("--rounds must be 1...10000") }
        }

        func run() async throws {
            let documents = try await Self.submissions(path: data + "/log.sqlite", count: entries)
            let bytes = documents.reduce(0) { $0 + $1.count }
            var wall: [Double] = [], cpu: [Double] = []
            var nonCanonical = 0
            let clock = ContinuousClock()
            for _ in 0..<rounds {
                nonCanonical = 0
                let began = clock.now, cpuBegan = Self.threadCPUNanoseconds()
                for document in documents {
                    let parsed = try JSONValue.parseCheckingCanonical(document)
                    if !parsed.isCanonical { nonCanonical += 1 }
                }
                let cpuSpent = Self.threadCPUNanoseconds() - cpuBegan
                let elapsed = clock.now - began
                let nanoseconds = Double(elapsed.components.seconds) * 1e9
                    + Double(elapsed.components.attoseconds) / 1e9
                wall.append(nanoseconds / Double(documents.count))
                cpu.append(cpuSpent / Double(documents.count))
            }
            wall.sort()
            cpu.sort()
            let line = String(format: "%d documents, %.0f bytes each on average, %d rounds: wall min %.0f median "
                                  + "%.0f ns/document, thread CPU min %.0f median %.0f ns/document",
                              documents.count, Double(bytes) / Double(documents.count), rounds,
                              wall[0], wall[wall.count / 2], cpu[0], cpu[cpu.count / 2])
            print(line)
            // Every submission in a ledger is stored canonically; anything else means the parser changed its answer.
            if nonCanonical > 0 {
                throw ValidationError("\(nonCanonical) stored submissions were reported as not canonical")
            }
        }

        /// CPU time of the calling thread: unlike wall time, it does not count the time other processes on a
        /// shared host hold the core.
        private static func threadCPUNanoseconds() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) * 1e9 + Double(time.tv_nsec)
        }

        /// The `submission` member of each entry, written back canonically: the same bytes as inside the entry,
        /// since entries are stored in canonical form.
        private static func submissions(path: String, count: Int) async throws -> [[UInt8]] {
            let store = try await SQLiteLogStore.openReadOnly(path: path)
            let size = try await store.head()?.size ?? 0
            var documents: [[UInt8]] = []
            var start: UInt64 = 0
            while documents.count < count, start < size {
                let end = min(size, start + UInt64(min(1_000, count - documents.count)))
                let chunk = try await store.entries(start..<end)
                for entry in chunk {
                    guard let submission = try JSONValue.parse(entry)["submission"] else {
                        throw ValidationError("entry \(start) has no submission member")
                    }
                    documents.append(submission.canonicalBytes())
                }
                start = end
            }
            await store.close()
            guard !documents.isEmpty else { throw ValidationError("\(path) holds no entries") }
            return documents
        }
    }
}

import ArgumentParser
import Foundation
import Log

extension CertLedgerBench {
    /// Appends forever and prints one line per acknowledged entry — the child process of the crash tests.
    ///
    /// `ACK <index> <leaf-hash-b64> <n>` is printed (and flushed) only after the sequencer answered, i.e. after
    /// the entry is durable. A test kills this process with SIGKILL at a random moment, reopens the store, and
    /// checks that every ACKed entry is there with the same index and hash.
    struct LogWriter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log-writer",
            abstract: "Append to a SQLite log until killed, printing each acknowledged entry (crash tests)."
        )

        @Option(help: "Folder of the log (log.sqlite and checkpoint.skey).")
        var data: String

        @Flag(help: "Create the log if the folder has none.")
        var create = false

        @Option(help: "Concurrent submitters.")
        var concurrency = 8

        @Option(help: "Approximate payload size in bytes.")
        var entryBytes = 700

        @Option(help: "First payload number (use a fresh range after each restart).")
        var start = 0

        func run() async throws {
            let harness = try await LogHarness.open(folder: data, create: create)
            let sequencer = try await harness.sequencer(config: SequencerConfig())
            emit("READY \(sequencer.head.size)\n")
            let counter = Counter(start)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await sequencer.run() }
                for _ in 0..<concurrency {
                    group.addTask {
                        while true {
                            let n = counter.next()
                            let result = try await sequencer.submit([benchPayload(n, bytes: entryBytes)])
                            let item = result.items[0]
                            emit("ACK \(item.entry.index) \(item.leafHash.base64) \(n)\n")
                        }
                    }
                }
                try await group.next()
            }
        }
    }
}

/// Writes one line to standard output with a single unbuffered `write(2)`: nothing waits in a buffer when the
/// process is killed, and lines from concurrent tasks never interleave (pipe writes under 4 KiB are atomic).
func emit(_ line: String) {
    var bytes = Array(line.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { return }
        done += n
    }
}

/// A shared counter (lock-guarded).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int
    init(_ start: Int) { value = start }
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

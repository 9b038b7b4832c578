import Foundation

/// Hands out the store's reader workers round-robin.
///
/// `lock` guards `cursor` only; the workers themselves are immutable references with their own queues.
/// (`NSLock` rather than `Synchronization.Mutex`, which would raise the macOS floor to 15.)
final class SQLiteReaderPool: @unchecked Sendable {
    let all: [SQLiteWorker]
    private let lock = NSLock()
    private var cursor = 0

    /// `workers` must not be empty (`Options` clamps the reader count to at least 1).
    init(_ workers: [SQLiteWorker]) {
        self.all = workers
    }

    func next() -> SQLiteWorker {
        lock.lock()
        defer { lock.unlock() }
        cursor = (cursor + 1) % all.count
        return all[cursor]
    }
}

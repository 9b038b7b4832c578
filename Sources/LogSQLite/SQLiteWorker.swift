import Dispatch
import Log

/// Owns one `SQLiteConnection` and runs every call on it on a private serial `DispatchQueue`.
///
/// SQLite calls block — a `COMMIT` with `synchronous=FULL` waits for fsync — so they must never run on the Swift
/// cooperative pool, whose few threads (2 on this machine) would then stall every other task. Callers `await`
/// a checked continuation that the queue resumes.
///
/// `queue` guards `connection`: it is read and written only by blocks running on `queue`, which is why the class
/// can be `@unchecked Sendable`.
package final class SQLiteWorker: @unchecked Sendable {
    private let queue: DispatchQueue
    /// The connection; nil once closed. Guarded by `queue`.
    private var connection: SQLiteConnection?
    private let path: String

    private init(label: String, path: String) {
        self.queue = DispatchQueue(label: label)
        self.path = path
    }

    /// Opens a connection on a new worker's own queue (opening reads the file, so it blocks too).
    package static func start(label: String, path: String, open: @escaping @Sendable () throws -> SQLiteConnection)
        async throws -> SQLiteWorker
    {
        let worker = SQLiteWorker(label: label, path: path)
        try await worker.perform { worker.connection = try open() }
        return worker
    }

    /// Runs `body` with the connection on the worker's queue; throws `.unavailable` after `close()`.
    package func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await perform {
            guard let connection = self.connection else {
                throw LogStoreError(.unavailable, "log store at \(self.path) is closed")
            }
            return try body(connection)
        }
    }

    /// Closes the connection after every call queued before it has finished.
    package func close() async {
        _ = try? await perform { self.connection = nil }
    }

    private func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result(catching: body)) }
        }
    }
}

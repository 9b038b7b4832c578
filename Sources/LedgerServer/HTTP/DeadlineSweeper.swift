public import ServiceLifecycle
import Synchronization

/// Request deadlines kept in one table and enforced by one sweeping service, instead of a sleeping timer raced
/// against every request: a timer per request cost ≈ 10% of the daemon's CPU at a few thousand requests/s (the
/// timer task and its dispatch wake-ups). Each request registers a deadline and waits for its expiry on a
/// continuation; the sweeper wakes every `interval`, resumes the waits whose deadline has passed, and so a deadline
/// is enforced within `interval` after it falls due.
///
/// The sweeper runs as a service of the application (`run()`), listed before the HTTP server so that it keeps
/// sweeping while the server drains its open requests at shutdown.
public final class DeadlineSweeper: Service, Sendable {
    /// A registered request: its deadline and, once its waiter is suspended, the continuation that wakes it.
    private struct Waiting {
        let deadline: ContinuousClock.Instant
        var wake: CheckedContinuation<Bool, Never>?
    }

    private struct Table {
        var next: UInt64 = 0
        var waiting: [UInt64: Waiting] = [:]
        /// Requests whose deadline passed before their waiter was suspended.
        var expired: Set<UInt64> = []
    }

    let interval: Duration
    private let table = Mutex(Table())

    public init(interval: Duration) {
        self.interval = interval
    }

    /// Adds a request due at `deadline`; returns its number.
    func register(deadline: ContinuousClock.Instant) -> UInt64 {
        table.withLock { table in
            table.next += 1
            table.waiting[table.next] = Waiting(deadline: deadline)
            return table.next
        }
    }

    /// Suspends until request `id`'s deadline passes (true) or it is finished first (false). Cancelling the
    /// waiting task finishes it.
    func expiry(of id: UInt64) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now: Bool? = table.withLock { table in
                    if table.expired.remove(id) != nil { return true }
                    guard table.waiting[id] != nil else { return false }
                    table.waiting[id]?.wake = continuation
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            finish(id)
        }
    }

    /// Takes request `id` out of the table; a waiter still suspended for it returns false.
    func finish(_ id: UInt64) {
        let waiting = table.withLock { table in
            table.expired.remove(id)
            return table.waiting.removeValue(forKey: id)
        }
        waiting?.wake?.resume(returning: false)
    }

    /// Resumes, with true, the waits of every request whose deadline is at or before `now`.
    func sweep(now: ContinuousClock.Instant = .now) {
        let due = table.withLock { table -> [CheckedContinuation<Bool, Never>] in
            var due: [CheckedContinuation<Bool, Never>] = []
            for (id, waiting) in table.waiting where waiting.deadline <= now {
                table.waiting[id] = nil
                if let wake = waiting.wake { due.append(wake) } else { table.expired.insert(id) }
            }
            return due
        }
        for wake in due { wake.resume(returning: true) }
    }

    /// Sweeps every `interval` until the application shuts down (gracefully, after the server has drained, or by
    /// cancellation).
    public func run() async {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            sweep()
        }
    }
}

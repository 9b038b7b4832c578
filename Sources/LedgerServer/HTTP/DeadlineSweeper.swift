import Synchronization

/// Request deadlines kept in one table and enforced by one sweeping task, instead of a sleeping timer task raced
/// against every request: a timer per request cost ≈ 10% of the daemon's CPU at a few thousand requests/s (the
/// timer task, its dispatch wake-ups, the task group around it). The sweeper runs only while requests are in
/// flight, wakes every `interval` and cancels the tasks whose deadline has passed, so a deadline is enforced
/// within `interval` after it falls due.
final class DeadlineSweeper: Sendable {
    /// A running request's task. `UnsafeCurrentTask` must not outlive its task: a handle is only ever used under
    /// the lock while it is in the table, and `run` takes it out of the table before its task can end.
    private struct Waiting: @unchecked Sendable {
        let task: UnsafeCurrentTask
        let deadline: ContinuousClock.Instant
    }

    private struct Table {
        var next: UInt64 = 0
        var waiting: [UInt64: Waiting] = [:]
        var expired: Set<UInt64> = []
        var sweeping = false
    }

    let interval: Duration
    private let table = Mutex(Table())

    init(interval: Duration) {
        self.interval = interval
    }

    /// Runs `body` in the current task; if it is still running at `timeout`, the task is cancelled and, should
    /// `body` then throw, what `onTimeout` makes of its error is thrown instead. A body that completes despite the
    /// cancellation returns its result (the work is done, and saying otherwise would be false).
    func run<T>(timeout: Duration, onTimeout: (any Error) -> any Error,
                _ body: () async throws -> T) async throws -> T {
        let id: UInt64? = withUnsafeCurrentTask { task in
            guard let task else { return nil }
            return register(Waiting(task: task, deadline: .now + timeout))
        }
        guard let id else { return try await body() }
        do {
            let result = try await body()
            _ = finish(id)
            return result
        } catch {
            if finish(id) { throw onTimeout(error) }
            throw error
        }
    }

    /// Adds a request; starts the sweeping task when none runs. Returns its number.
    private func register(_ waiting: Waiting) -> UInt64 {
        let (id, start) = table.withLock { table in
            table.next += 1
            table.waiting[table.next] = waiting
            let start = !table.sweeping
            table.sweeping = true
            return (table.next, start)
        }
        if start {
            Task.detached { [weak self] in await self?.sweep() }
        }
        return id
    }

    /// Takes a request out of the table; true when its deadline had passed (and it was cancelled).
    private func finish(_ id: UInt64) -> Bool {
        table.withLock { table in
            table.waiting[id] = nil
            return table.expired.remove(id) != nil
        }
    }

    /// Cancels what is due every `interval` until no request is in flight.
    private func sweep() async {
        while true {
            try? await Task.sleep(for: interval)
            let now = ContinuousClock.now
            let idle = table.withLock { table in
                for (id, waiting) in table.waiting where waiting.deadline <= now && !table.expired.contains(id) {
                    table.expired.insert(id)
                    waiting.task.cancel()
                }
                if table.waiting.isEmpty { table.sweeping = false }
                return table.waiting.isEmpty
            }
            if idle { return }
        }
    }
}

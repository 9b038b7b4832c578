import Synchronization

/// A value one writer publishes and many readers take whole, with readers able to await a value that meets a
/// condition (a head of at least some size) instead of polling for it. Waiters are resumed by `publish`, outside the
/// lock, and a waiter whose task is cancelled (its timeout) is resumed with nil and forgotten.
public final class Published<Value: Sendable>: Sendable {
    private struct State {
        var value: Value
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: (until: @Sendable (Value) -> Bool, continuation: CheckedContinuation<Value?, Never>)] = [:]
    }

    private let state: Mutex<State>

    public init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    /// The value as last published.
    public var value: Value { state.withLock { $0.value } }

    /// Publishes `value` and resumes every waiter it satisfies.
    public func publish(_ value: Value) {
        update { _ in value }
    }

    /// Publishes what `change` makes of the current value, under the lock (nil: nothing changes), and resumes every
    /// waiter the new value satisfies.
    public func update(_ change: (Value) -> Value?) {
        let (value, ready) = state.withLock { state -> (Value?, [CheckedContinuation<Value?, Never>]) in
            guard let value = change(state.value) else { return (nil, []) }
            state.value = value
            let satisfied = state.waiters.filter { $0.value.until(value) }
            for id in satisfied.keys { state.waiters[id] = nil }
            return (value, satisfied.values.map(\.continuation))
        }
        if let value { for continuation in ready { continuation.resume(returning: value) } }
    }

    /// The first published value (the current one included) for which `until` holds, or nil after `timeout`.
    public func wait(timeout: Duration, until: @escaping @Sendable (Value) -> Bool) async -> Value? {
        let now = value
        if until(now) { return now }
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask { await self.waitUntilCancelled(until) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Suspends until a published value satisfies `until`, or the task is cancelled (nil).
    private func waitUntilCancelled(_ until: @escaping @Sendable (Value) -> Bool) async -> Value? {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                // Under the lock: either the cancellation handler has run (the task is cancelled) and this resumes
                // at once, or it runs later and finds the waiter.
                let ready = state.withLock { state -> Value?? in
                    if until(state.value) { return .some(state.value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = (until, continuation)
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiting = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiting?.continuation.resume(returning: nil)
        }
    }
}

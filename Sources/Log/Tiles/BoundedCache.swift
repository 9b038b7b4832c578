import Synchronization

/// A thread-safe dictionary of at most `capacity` values that forgets the oldest insertion first. For caches of
/// immutable facts (full tiles, proven entries), where a stale value cannot exist and a miss only costs a read:
/// FIFO is enough, and cheaper than LRU bookkeeping on every hit.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var values: [Key: Value] = [:]
        var order: [Key] = []
        var start = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public subscript(key: Key) -> Value? {
        state.withLock { $0.values[key] }
    }

    /// Remembers `value` under `key` (an existing value is replaced and keeps its place).
    public func insert(_ value: Value, for key: Key) {
        state.withLock { state in
            guard state.values.updateValue(value, forKey: key) == nil else { return }
            state.order.append(key)
            while state.values.count > capacity {
                state.values[state.order[state.start]] = nil
                state.start += 1
            }
            if state.start > capacity {
                state.order.removeFirst(state.start)
                state.start = 0
            }
        }
    }

    public var count: Int { state.withLock { $0.values.count } }
}

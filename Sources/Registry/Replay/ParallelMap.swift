import Dispatch

/// Maps `items` on all cores (Dispatch `concurrentPerform`), keeping the order: the replay's decoding and signature
/// checks are pure and independent, so they scale with the cores while the state is applied serially.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    guard items.count > 1 else { return items.map(transform) }
    let slots = Slots<R>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { position in
        slots.set(position, transform(items[position]))
    }
    return slots.values()
}

/// Result slots written concurrently, each by exactly one iteration, read only after all of them finished
/// (`concurrentPerform` returns when every iteration has): no two threads ever touch the same slot, which is what
/// makes the unchecked `Sendable` sound.
private final class Slots<R>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<R?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func set(_ position: Int, _ value: R) { buffer[position] = value }

    func values() -> [R] { buffer.compactMap { $0 } }
}

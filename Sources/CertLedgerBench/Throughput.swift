import Foundation

/// Runs one operation on `threads` real OS threads at once for about `seconds` of wall time and reports the
/// combined rate. Threads start together behind a barrier, so the two-thread figure measures contention on
/// shared keys, not staggered starts.
struct Throughput {
    let threads: Int
    let seconds: Double

    /// Operations per second across all threads. `makeWorker` runs once per thread, outside the timed loop,
    /// and returns the operation that thread repeats (so per-thread state such as a digest context is
    /// created once, as a real caller would). The operation returns false to signal a wrong result.
    func measure(_ makeWorker: @escaping @Sendable () -> () -> Bool) -> Result {
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let tally = Tally()
        for _ in 0..<threads {
            done.enter()
            let thread = Thread {
                let operation = makeWorker()
                // Warm up caches and lazy OpenSSL state before the clock starts.
                for _ in 0..<8 { _ = operation() }
                start.wait()
                var count = 0
                var failures = 0
                let begin = DispatchTime.now().uptimeNanoseconds
                let deadline = begin + UInt64(seconds * 1e9)
                var now = begin
                while now < deadline {
                    // Check the clock every 16 operations: cheap next to any crypto call.
                    for _ in 0..<16 where !operation() { failures += 1 }
                    count += 16
                    now = DispatchTime.now().uptimeNanoseconds
                }
                tally.add(count: count, failures: failures, nanoseconds: now - begin)
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        // Give every thread time to reach the barrier before releasing them together.
        Thread.sleep(forTimeInterval: 0.05)
        for _ in 0..<threads { start.signal() }
        done.wait()
        return tally.result
    }

    /// The combined outcome of one measurement.
    struct Result {
        /// Operations per second: total operations over the longest thread's wall time.
        let rate: Double
        /// Operations whose result was wrong (e.g. a valid signature that did not verify); must be 0.
        let failures: Int
    }

    /// Per-thread results, guarded by `lock`.
    private final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        private var failures = 0
        private var longest: UInt64 = 0

        func add(count: Int, failures: Int, nanoseconds: UInt64) {
            lock.withLock {
                self.count += count
                self.failures += failures
                longest = max(longest, nanoseconds)
            }
        }

        var result: Result {
            lock.withLock { Result(rate: Double(count) / (Double(longest) / 1e9), failures: failures) }
        }
    }
}

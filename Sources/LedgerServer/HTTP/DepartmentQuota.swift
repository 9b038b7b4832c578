import Synchronization

/// How many entries each department has waiting for the sequencer (DESIGN.md §5: 429 for one client's overload,
/// 503 for the server's). The sequencer's queue is shared by every department; without a share per department one
/// busy (or misbehaving) sender could fill it and make every other department's submissions fail with 503.
///
/// Counted only after the pre-check verified the submission's signature, so nobody can spend a department's share
/// without its key.
final class DepartmentQuota: Sendable {
    /// Entries one department may have between its pre-check and its answer.
    let limit: Int
    private let waiting = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes `counts` (entries by department) all or nothing; the department over its share otherwise.
    func acquire(_ counts: [String: Int]) -> (department: String, waiting: Int)? {
        waiting.withLock { waiting in
            for (department, count) in counts where waiting[department, default: 0] + count > limit {
                return (department, waiting[department, default: 0])
            }
            for (department, count) in counts { waiting[department, default: 0] += count }
            return nil
        }
    }

    /// Gives back what `acquire` took.
    func release(_ counts: [String: Int]) {
        waiting.withLock { waiting in
            for (department, count) in counts {
                let left = waiting[department, default: 0] - count
                waiting[department] = left > 0 ? left : nil
            }
        }
    }

    /// Entries a department has waiting now (tests, metrics).
    func waiting(_ department: String) -> Int {
        waiting.withLock { $0[department, default: 0] }
    }
}

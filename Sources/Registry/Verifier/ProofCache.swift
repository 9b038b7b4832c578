import Synchronization

/// What the verifier proves, remembered: an entry's bytes and its inclusion proof in the tree of a given size
/// never change (the log is append-only and a tree of one size has one root), nor does the checkpoint of a size.
/// So a busy verifier, asked about the same licenses at the same tree size, reads and hashes each once. Bounded
/// (oldest out first); a miss only costs the reads it saves.
final class ProofCache: Sendable {
    struct Key: Hashable {
        let index: UInt64
        let size: UInt64
    }

    private struct State: ~Copyable {
        var proven: [Key: VerifierAnswer.ProvenEntry] = [:]
        var order: [Key] = []
        var start = 0
        var checkpoint: (size: UInt64, note: [UInt8])?
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 16_384) {
        self.capacity = max(1, capacity)
    }

    func proven(index: UInt64, size: UInt64) -> VerifierAnswer.ProvenEntry? {
        state.withLock { $0.proven[Key(index: index, size: size)] }
    }

    func remember(_ entry: VerifierAnswer.ProvenEntry, size: UInt64) {
        let key = Key(index: entry.index, size: size)
        state.withLock { state in
            guard state.proven.updateValue(entry, forKey: key) == nil else { return }
            state.order.append(key)
            while state.proven.count > capacity {
                state.proven[state.order[state.start]] = nil
                state.start += 1
            }
            if state.start > capacity {
                state.order.removeFirst(state.start)
                state.start = 0
            }
        }
    }

    func checkpoint(size: UInt64) -> [UInt8]? {
        state.withLock { state in state.checkpoint.flatMap { $0.size == size ? $0.note : nil } }
    }

    func remember(checkpoint note: [UInt8], size: UInt64) {
        state.withLock { $0.checkpoint = (size, note) }
    }
}

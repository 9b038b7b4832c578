import Log
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

    private let proven: BoundedCache<Key, VerifierAnswer.ProvenEntry>
    private let latest = Mutex<(size: UInt64, note: [UInt8])?>(nil)

    init(capacity: Int = 16_384) {
        proven = BoundedCache(capacity: capacity)
    }

    func proven(index: UInt64, size: UInt64) -> VerifierAnswer.ProvenEntry? {
        proven[Key(index: index, size: size)]
    }

    func remember(_ entry: VerifierAnswer.ProvenEntry, size: UInt64) {
        proven.insert(entry, for: Key(index: entry.index, size: size))
    }

    func checkpoint(size: UInt64) -> [UInt8]? {
        latest.withLock { $0.flatMap { $0.size == size ? $0.note : nil } }
    }

    func remember(checkpoint note: [UInt8], size: UInt64) {
        latest.withLock { $0 = (size, note) }
    }
}

import LedgerCrypto
import Log
import Synchronization

/// What the verifier proves, remembered: an entry's bytes and its inclusion proof in the tree of a given size
/// never change (the log is append-only and a tree of one size has one root), nor does the checkpoint of a size.
/// So a busy verifier, asked about the same licenses at the same tree size, reads and hashes each once. Bounded
/// (oldest out first); a miss only costs the reads it saves. Each is kept with its canonical JSON, written once;
/// so is a whole answer, but for its time and receipt (an answer at one size is a function of the question and
/// its day).
final class ProofCache: Sendable {
    struct Key: Hashable {
        let index: UInt64
        let size: UInt64
    }

    /// A value and its RFC 8785 bytes.
    struct Written<Value: Sendable>: Sendable {
        let value: Value
        let canonical: [UInt8]
    }

    private let proven: BoundedCache<Key, Written<VerifierAnswer.ProvenEntry>>
    /// Status-map proofs by tree key and tree size, with the root they are against.
    private let mapProofs: BoundedCache<MapKey, MapProven>

    struct MapKey: Hashable {
        let key: Hash256
        let size: UInt64
    }

    struct MapProven: Sendable {
        let proof: MapProof
        let root: Hash256
    }
    private let latest = Mutex<(size: UInt64, note: Written<String>)?>(nil)
    /// Written answers by question, day and tree size (each a few KB: fewer of them).
    private let answers: BoundedCache<Verifier.AnswerKey, Verifier.AnswerTemplate>

    init(capacity: Int = 16_384, answerCapacity: Int = 2_048) {
        proven = BoundedCache(capacity: capacity)
        mapProofs = BoundedCache(capacity: capacity)
        answers = BoundedCache(capacity: answerCapacity)
    }

    func answer(_ key: Verifier.AnswerKey) -> Verifier.AnswerTemplate? {
        answers[key]
    }

    func remember(answer: Verifier.AnswerTemplate, for key: Verifier.AnswerKey) {
        answers.insert(answer, for: key)
    }

    func mapProof(key: Hash256, size: UInt64) -> MapProven? {
        mapProofs[MapKey(key: key, size: size)]
    }

    func remember(mapProof: MapProven, key: Hash256, size: UInt64) {
        mapProofs.insert(mapProof, for: MapKey(key: key, size: size))
    }

    func proven(index: UInt64, size: UInt64) -> Written<VerifierAnswer.ProvenEntry>? {
        proven[Key(index: index, size: size)]
    }

    func remember(_ entry: Written<VerifierAnswer.ProvenEntry>, size: UInt64) {
        proven.insert(entry, for: Key(index: entry.value.index, size: size))
    }

    /// The signed checkpoint of `size`, as note text.
    func checkpoint(size: UInt64) -> Written<String>? {
        latest.withLock { $0.flatMap { $0.size == size ? $0.note : nil } }
    }

    func remember(checkpoint note: Written<String>, size: UInt64) {
        latest.withLock { $0 = (size, note) }
    }
}

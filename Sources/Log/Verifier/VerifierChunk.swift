import LedgerCrypto
import SignedNote

/// One chunk of the log as `LogVerifier`'s concurrent stage leaves it: the entries read from the store, each
/// decoded, leaf-hashed and prepared. Nothing here depends on another entry, so chunks are made in any order and
/// on any core; every check that does (index, chain, time, state, tiles) is the sequential `VerifierWalk`'s.
///
/// Parallel arrays of the entries that decode, up to the first that does not (the walk stops there anyway: it
/// reports the first problem in log order): the walk, generic over `Prepared` in this module, reads entries and
/// hashes as concrete types and touches a `Prepared` only to hand it on. (An array of per-entry items with a
/// `Result` each cost two more arrays per chunk, a copy of every entry into each, and a generic copy per entry.)
struct VerifierChunk<Prepared: Sendable>: Sendable {
    let range: Range<UInt64>
    /// The decoded entries from `range.lowerBound` on, in order; fewer than `range.count` if one does not decode
    /// (`decodeFailure`) or the store is missing some.
    let entries: [LogEntry]
    /// `H(0x00 ‖ bytes)` of each entry's stored bytes, one per element of `entries`.
    let leafHashes: [Hash256]
    /// The layer above's work on each element of `entries`, in the same order.
    let prepared: [Prepared]
    /// Why the stored bytes after the last of `entries` are not an entry, if they are not.
    let decodeFailure: LogError?
    /// Why the store could not be read, if it could not.
    let readError: String?
    /// The checkpoints stored for trees that end inside `range` (sizes `lowerBound + 1` … `upperBound`, as the
    /// store lists them), each opened with the log's key here — the signature checks of a ledger of small batches
    /// would otherwise all fall on the sequential walk — or why it does not open. The walk checks the rest (size,
    /// root, the tree's last entry) in order.
    let checkpoints: [(stored: LogHead, opened: Result<SignedCheckpoint, NoteError>)]
    /// Why the checkpoints could not be listed, if they could not.
    let checkpointsError: String?

    /// A chunk that could not be read (or prepared): the walk reports `reason` at its first entry.
    static func failed(_ range: Range<UInt64>, _ reason: String) -> VerifierChunk {
        VerifierChunk(range: range, entries: [], leafHashes: [], prepared: [], decodeFailure: nil, readError: reason,
                      checkpoints: [], checkpointsError: nil)
    }

    /// Reads `range` and prepares every entry, and reads and opens the checkpoints stored for sizes inside it
    /// (runs in a child task of the verifier).
    static func load(_ range: Range<UInt64>, from store: any LogStore, hashAlgorithm: HashAlgorithm,
                     verifier: any NoteVerifier,
                     prepare: @Sendable ([LogEntry]) -> [Prepared]) async -> VerifierChunk {
        let raw: [[UInt8]]
        do {
            raw = try await store.entries(range)
        } catch {
            return failed(range, "\(error)")
        }
        var checkpoints: [(stored: LogHead, opened: Result<SignedCheckpoint, NoteError>)] = []
        var checkpointsError: String?
        do {
            // The listing may run past the chunk (it is by count): those are the next chunk's to open.
            for stored in try await store.checkpoints(from: range.lowerBound + 1, limit: range.count)
            where stored.size <= range.upperBound {
                let opened = Result { () throws(NoteError) in
                    try SignedCheckpoint(opening: stored.checkpoint, logVerifier: verifier)
                }
                checkpoints.append((stored, opened))
            }
        } catch {
            checkpointsError = "\(error)"
        }
        let hasher = MerkleHasher(hashAlgorithm)
        var entries: [LogEntry] = []
        var leafHashes: [Hash256] = []
        var decodeFailure: LogError?
        entries.reserveCapacity(raw.count)
        leafHashes.reserveCapacity(raw.count)
        for bytes in raw {
            if Task.isCancelled { break }
            do throws(LogError) {
                entries.append(try LogEntry(bytes: bytes))
                leafHashes.append(hasher.leafHash(bytes))
            } catch {
                decodeFailure = error
                break
            }
        }
        // The layer above sees the chunk's entries at once (it may batch like work together).
        let answers = prepare(entries)
        guard answers.count == entries.count else {
            return failed(range, "the preparer answered \(answers.count) values for \(entries.count) entries")
        }
        return VerifierChunk(range: range, entries: entries, leafHashes: leafHashes, prepared: answers,
                             decodeFailure: decodeFailure, readError: nil, checkpoints: checkpoints,
                             checkpointsError: checkpointsError)
    }
}

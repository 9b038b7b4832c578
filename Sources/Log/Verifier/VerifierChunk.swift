import LedgerCrypto

/// One chunk of the log as `LogVerifier`'s concurrent stage leaves it: the entries read from the store, each
/// decoded, leaf-hashed and prepared. Nothing here depends on another entry, so chunks are made in any order and
/// on any core; every check that does (index, chain, time, state, tiles) is the sequential `VerifierWalk`'s.
struct VerifierChunk<Prepared: Sendable>: Sendable {
    /// One entry of the chunk.
    struct Item: Sendable {
        /// The decoded entry, or why its bytes are not an entry.
        let entry: Result<LogEntry, LogError>
        /// `H(0x00 ‖ bytes)` of the stored bytes.
        let leafHash: Hash256
        /// The layer above's work on a well-formed entry.
        let prepared: Prepared?
    }

    let range: Range<UInt64>
    /// The entries, in order; fewer than `range.count` if the store is missing some.
    let items: [Item]
    /// Why the store could not be read, if it could not.
    let readError: String?

    /// Reads `range` and prepares every entry (runs in a child task of the verifier).
    static func load(_ range: Range<UInt64>, from store: any LogStore, hashAlgorithm: HashAlgorithm,
                     prepare: @Sendable ([LogEntry]) -> [Prepared]) async -> VerifierChunk {
        let raw: [[UInt8]]
        do {
            raw = try await store.entries(range)
        } catch {
            return VerifierChunk(range: range, items: [], readError: "\(error)")
        }
        let hasher = MerkleHasher(hashAlgorithm)
        var decoded: [Result<LogEntry, LogError>] = []
        var leafHashes: [Hash256] = []
        var wellFormed: [LogEntry] = []
        decoded.reserveCapacity(raw.count)
        leafHashes.reserveCapacity(raw.count)
        wellFormed.reserveCapacity(raw.count)
        for bytes in raw {
            if Task.isCancelled { break }
            let entry = Result(catching: { () throws(LogError) in try LogEntry(bytes: bytes) })
            decoded.append(entry)
            leafHashes.append(hasher.leafHash(bytes))
            if case .success(let good) = entry { wellFormed.append(good) }
        }
        // The layer above sees the chunk's well-formed entries at once (it may batch like work together).
        let answers = prepare(wellFormed)
        guard answers.count == wellFormed.count else {
            return VerifierChunk(range: range, items: [], readError: "the preparer answered \(answers.count) values "
                                 + "for \(wellFormed.count) entries")
        }
        var prepared = answers.makeIterator()
        var items: [Item] = []
        items.reserveCapacity(decoded.count)
        for (entry, leafHash) in zip(decoded, leafHashes) {
            let mine: Prepared? = if case .success = entry { prepared.next() } else { nil }
            items.append(Item(entry: entry, leafHash: leafHash, prepared: mine))
        }
        return VerifierChunk(range: range, items: items, readError: nil)
    }
}

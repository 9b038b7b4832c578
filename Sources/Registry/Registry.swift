public import LedgerCrypto
public import Log
import Synchronization

/// The Registry as the log's sequencing gate (DESIGN.md §6): the state machine behind a lock, the concurrent
/// pre-check that runs before `Sequencer.submit`, and the serial `admit` that runs inside the sequencer's loop.
///
/// The split follows the cost: signatures (≈ 10k/s per core) are verified in `precheck`, concurrently, against a
/// snapshot of the department's keys; `admit` only decodes, looks up and applies, and re-checks everything that
/// may have changed since (key currency, role, nonce, state), because other entries may have been sequenced in
/// between. A submission reaches the log only if `precheck` verified exactly its bytes: `admit` refuses any
/// payload it has no verified signature for, so no path into the log skips the signature check.
public final class Registry: SequencingGate, Sendable {
    /// What `precheck` found.
    public enum Precheck: Sendable, Equatable {
        /// Signature, key, role and schema are good: submit it.
        case accepted
        /// This exact submission is already in the log at this index: answer with that entry (idempotent re-send).
        case duplicate(index: UInt64)
    }

    private struct Guarded: ~Copyable {
        var state: RegistryState
        /// SHA-256 of the canonical bytes of submissions whose signature `precheck` verified, with the key ID that
        /// verified it and the decoded submission, so that `admit` (serial, in the sequencer's loop) finds it by
        /// digest instead of decoding the payload a second time; consumed by `admit`, or given up by `release` when
        /// the request never reaches the sequencer (429, 503) or fails there, so that refused requests leave no
        /// trace. Bounded: at `capacity` a new pre-check is refused as `overloaded` (503) rather than forgetting one
        /// already verified, which `admit` would then refuse as unverified (401) though its signature was good.
        var verified: [Hash256: Verified] = [:]
        /// Verified digests `admit` consumed for the open batch: given back by `abort`, so that a batch the
        /// sequencer retries after losing a race to another writer passes the gate again without a re-send.
        var consumed: [(Hash256, Verified)] = []
        /// The status-map keys the open batch's admitted groups touched, for its `map.root` (`closeBatch`).
        var touches = StatusMapTouches()
        /// Keys touched by entries of the log that no `map.root` closed yet (a log written before map roots, or by a
        /// tool without a batch finisher): the next map root includes them. Kept until a map root is committed.
        var carried = StatusMapTouches()
        /// The batches closed by `map.root` entries `observe` applied, for the status map (`takeObservedMapRoots`).
        var observedMapRoots: [ObservedMapRoot] = []
        /// Set by `closedState()` when it found a batch open: the next `commit` keeps the state it leaves.
        var wantsClosedState = false
        /// The state a `commit` left for `closedState()`.
        var closedState: RegistryState?
    }

    /// A `map.root` entry that entered the log without this gate: its index, the root it states, and the changes
    /// the entries before it (since the previous map root) made, computed from the state at that point.
    public struct ObservedMapRoot: Sendable {
        public let index: UInt64
        public let root: Hash256
        public let changes: [MapChange]
    }

    /// A submission whose signature `precheck` verified, waiting for its turn in `admit`.
    private struct Verified {
        let keyId: KeyID
        let submission: Submission
        /// Requests that pre-checked this very submission and have not reached the gate or given it up yet.
        var holders = 1
    }

    /// Most verified-but-not-yet-sequenced submissions remembered by default: twice the sequencer's default queue
    /// limit (8,192) — room for a full queue and as many again in pre-check — and a bound on the memory they hold
    /// (a decoded submission is a few KiB). A daemon sets it to twice its configured queue limit.
    public static let verifiedCapacity = 1 << 14

    /// Guards the state and the verified set. Held only for dictionary work — never across a signature check,
    /// I/O or an `await` — so `admit` never waits long behind a reader.
    private let guarded: Mutex<Guarded>
    /// Most verified submissions kept (`verifiedCapacity` unless a test asks for fewer).
    private let capacity: Int

    /// A registry over `state` (empty for a new ledger; `replay` builds it from a stored log).
    ///
    /// `unclosed`: the status-map keys touched by the log's entries after its last `map.root` (from the replay).
    public init(state: RegistryState = RegistryState(), verifiedCapacity: Int = Registry.verifiedCapacity,
                unclosed: StatusMapTouches = StatusMapTouches()) {
        guarded = Mutex(Guarded(state: state, carried: unclosed))
        capacity = max(1, verifiedCapacity)
    }

    /// Reads the state (its queries answer with committed values only).
    public func read<T>(_ body: (borrowing RegistryState) throws(RegistryError) -> T) throws(RegistryError) -> T {
        try guarded.withLock { (guarded: inout Guarded) throws(RegistryError) -> T in try body(guarded.state) }
    }

    /// A copy of the state: cheap (copy-on-write), but the next change then copies what it touches.
    public var snapshot: RegistryState { guarded.withLock { $0.state } }

    /// The genesis's USCC exceptions, to decode submissions with.
    public var usccExceptions: Set<String> { guarded.withLock { $0.state.ledger?.usccExceptions ?? [] } }

    // MARK: Pre-check (concurrent, before sequencing)

    /// Checks a decoded submission before it is submitted to the sequencer: an exact re-send is `.duplicate`
    /// with the original index; otherwise the department, key and role must allow it now and the signature must
    /// verify with that key. Throws `badSignature` (401), `forbidden` (403), `conflict` (409, a nonce reused) or
    /// `overloaded` (503, `verifiedCapacity` submissions already wait for the gate).
    public func precheck(_ submission: Submission) throws(RegistryError) -> Precheck {
        let digest = HashAlgorithm.sha256.hash(submission.canonicalBytes)
        let lookup = guarded.withLock { (guarded: inout Guarded) -> Result<PublicKey, RegistryError> in
            let state = guarded.state
            if let used = state.nonces[RegistryState.nonceKey(submission.department, submission.nonce)],
               used.digest == digest {
                return .failure(RegistryError(.duplicate, field: "nonce", "already in the log", index: used.index))
            }
            return Result { () throws(RegistryError) in try state.signingKey(for: submission, at: state.size) }
        }
        let key: PublicKey
        switch lookup {
        case .success(let found): key = found
        case .failure(let error) where error.code == .duplicate: return .duplicate(index: error.index ?? 0)
        case .failure(let error): throw error
        }
        guard submission.verifySignature(with: key) else {
            throw RegistryError(.badSignature, field: "signature",
                                "the signature does not verify with key \(submission.keyId) of \(submission.department)")
        }
        // Looked up again: while the signature was checked, an identical submission may have been admitted (then
        // this one is a re-send of it) or another one with the same nonce (a conflict).
        enum Again { case remembered, full, reused(index: UInt64, same: Bool) }
        let again = guarded.withLock { (guarded: inout Guarded) -> Again in
            if let used = guarded.state.nonces[RegistryState.nonceKey(submission.department, submission.nonce)] {
                return .reused(index: used.index, same: used.digest == digest)
            }
            guard guarded.verified.count < capacity || guarded.verified[digest] != nil else { return .full }
            remember(digest, Verified(keyId: submission.keyId, submission: submission), in: &guarded)
            return .remembered
        }
        switch again {
        case .remembered:
            break
        case .full:
            throw RegistryError(.overloaded, "\(capacity) verified submissions are waiting to be sequenced; "
                                + "retry later")
        case .reused(let index, true):
            return .duplicate(index: index)
        case .reused(let index, false):
            throw RegistryError(.conflict, field: "nonce", "nonce \(submission.nonce) of \(submission.department) "
                                + "was used by another submission at index \(index)")
        }
        return .accepted
    }

    /// Pre-checks every submission of a bundle; the first failure names `bundle[i]`. The bundle is a duplicate only
    /// if every submission is (then the original indices are returned); a partial re-send is a conflict. A bundle
    /// is admitted whole, so a mix seen once can be an identical bundle admitted between two of these checks: the
    /// accepted ones are checked again before a conflict is declared. Nothing is left behind on a refusal.
    public func precheck(_ bundle: SubmissionBundle) throws(RegistryError) -> [Precheck] {
        var results = try precheckEach(bundle.submissions)
        if results.contains(.accepted), results.contains(where: { $0 != .accepted }) {
            let accepted = results.indices.filter { results[$0] == .accepted }
            release(accepted.map { bundle.submissions[$0] })
            let again = try precheckEach(accepted.map { bundle.submissions[$0] })
            for (position, result) in zip(accepted, again) { results[position] = result }
        }
        let duplicates = results.filter { $0 != .accepted }.count
        guard duplicates == 0 || duplicates == results.count else {
            release(results.indices.filter { results[$0] == .accepted }.map { bundle.submissions[$0] })
            throw RegistryError(.conflict, field: "bundle", "\(duplicates) of \(results.count) submissions are "
                                + "already in the log: a bundle is re-sent whole or not at all")
        }
        return results
    }

    /// `precheck` of each submission in turn; on a failure the ones accepted before it are released and the
    /// error names `bundle[i]`.
    private func precheckEach(_ submissions: [Submission]) throws(RegistryError) -> [Precheck] {
        var results: [Precheck] = []
        for (position, submission) in submissions.enumerated() {
            do {
                results.append(try precheck(submission))
            } catch {
                release(results.indices.filter { results[$0] == .accepted }.map { submissions[$0] })
                throw RegistryError(error.code, field: FieldCheck.join("bundle[\(position)]", error.field ?? ""),
                                    error.reason, index: error.index)
            }
        }
        return results
    }

    private func remember(_ digest: Hash256, _ verified: Verified, in guarded: inout Guarded) {
        if var known = guarded.verified[digest] {
            known.holders += verified.holders
            guarded.verified[digest] = known
        } else {
            guarded.verified[digest] = verified
        }
    }

    /// Gives up the pre-checks of `submissions` whose request will not reach the gate (refused with 429 or 503, or
    /// failed in the sequencer): what they left in the verified set goes, unless another request holds the same
    /// submission. Call it once per successful `precheck` that is not followed by a sequenced entry.
    public func release(_ submissions: [Submission]) {
        let digests = submissions.map { HashAlgorithm.sha256.hash($0.canonicalBytes) }
        guarded.withLock { guarded in
            for digest in digests {
                guard var known = guarded.verified[digest] else { continue }
                known.holders -= 1
                guarded.verified[digest] = known.holders > 0 ? known : nil
            }
        }
    }

    /// Submissions pre-checked and waiting for the gate (for tests and metrics).
    public var verifiedCount: Int { guarded.withLock { $0.verified.count } }

    // MARK: SequencingGate (serial, inside the sequencer's loop)

    /// Decodes each entry's payload as a submission and applies the group tentatively, all or nothing. Refuses a
    /// payload whose signature `precheck` did not verify. Throws the `RegistryError` of the first bad entry,
    /// its field prefixed with `bundle[i]` when the group has several.
    public func admit(_ entries: [LogEntry]) throws {
        // A payload `precheck` verified is found by its digest, already decoded (its canonical bytes are the
        // payload, so the digests agree); any other payload is decoded here, and then refused below as unverified.
        let digests = entries.map { HashAlgorithm.sha256.hash($0.payload) }
        let known = guarded.withLock { guarded in digests.map { guarded.verified[$0]?.submission } }
        let exceptions = usccExceptions
        var decoded: [(Submission, Hash256)] = []
        for (position, entry) in entries.enumerated() {
            if let submission = known[position], submission.canonicalBytes.elementsEqual(entry.payload) {
                decoded.append((submission, digests[position]))
                continue
            }
            do {
                let submission = try Self.decode(entry, usccExceptions: exceptions)
                decoded.append((submission, HashAlgorithm.sha256.hash(submission.canonicalBytes)))
            } catch {
                throw Self.locate(error, position: position, of: entries.count)
            }
        }
        try guarded.withLock { (guarded: inout Guarded) throws(RegistryError) in
            guarded.state.beginBatch()
            let savepoint = guarded.state.savepoint()
            for (position, (submission, digest)) in decoded.enumerated() {
                let index = entries[position].index
                do throws(RegistryError) {
                    try guarded.state.apply(submission, digest: digest, at: index)
                    guard guarded.verified[digest]?.keyId == submission.keyId else {
                        throw RegistryError(.badSignature, field: "signature", "the signature of this submission "
                                            + "was not verified before sequencing (pre-check it, then submit)")
                    }
                } catch {
                    guarded.state.rollback(to: savepoint)
                    throw Self.locate(error, position: position, of: entries.count)
                }
            }
            for (position, (submission, _)) in decoded.enumerated() {
                guarded.touches.note(submission.record, at: entries[position].index)
            }
            for (submission, digest) in decoded {
                guarded.verified[digest] = nil
                guarded.consumed.append((digest, Verified(keyId: submission.keyId, submission: submission)))
            }
        }
    }

    public func commit() {
        guarded.withLock {
            $0.state.commitBatch()
            $0.consumed.removeAll(keepingCapacity: true)
            $0.touches.removeAll()
            $0.carried.removeAll()
            if $0.wantsClosedState {
                $0.wantsClosedState = false
                $0.closedState = $0.state
            }
        }
    }

    /// The committed state at the end of a closed batch — no batch in flight, every touched status-map key closed
    /// by a `map.root` — for a registry snapshot (`RegistrySnapshot`). When a batch is open now, nil, and the
    /// next `commit` keeps its state for the next call. The copy is copy-on-write: the first change after it copies
    /// the tables it touches, once.
    public func closedState() -> RegistryState? {
        guarded.withLock { guarded in
            let kept = guarded.closedState
            guarded.closedState = nil
            guard guarded.state.journal == nil, guarded.touches.isEmpty, guarded.carried.isEmpty else {
                if kept == nil { guarded.wantsClosedState = true }
                return kept
            }
            guarded.wantsClosedState = false
            return guarded.state
        }
    }

    /// Closes the open batch with the ledger's `map.root` entry at `index`: the state moves past it (tentatively,
    /// like the batch), and the answer is the status-map changes the batch's admitted entries made, valued from
    /// the tentative state. Called by the sequencer's batch finisher (`StatusMapFinisher`), never for a department:
    /// no submission can be a `map.root`.
    public func closeBatch(at index: UInt64, using hasher: MapHasher) throws(RegistryError) -> [MapChange] {
        try guarded.withLock { (guarded: inout Guarded) throws(RegistryError) -> [MapChange] in
            guarded.state.beginBatch()
            try guarded.state.applyMapRoot(at: index)
            var touched = guarded.carried
            touched.formUnion(guarded.touches)
            guarded.touches.removeAll()
            return touched.changes(in: guarded.state, using: hasher)
        }
    }

    /// The `map.root` entries `observe` applied since the last call, with their batches' changes, in log order.
    public func takeObservedMapRoots() -> [ObservedMapRoot] {
        guarded.withLock { guarded in
            defer { guarded.observedMapRoots.removeAll() }
            return guarded.observedMapRoots
        }
    }

    /// Drops the batch's tentative state and gives its verified signatures back (nothing of it reached the log;
    /// the sequencer may sequence the same payloads again).
    public func abort() {
        guarded.withLock { guarded in
            guarded.state.abortBatch()
            guarded.touches.removeAll()
            for (digest, verified) in guarded.consumed { remember(digest, verified, in: &guarded) }
            guarded.consumed.removeAll(keepingCapacity: true)
        }
    }

    /// Applies entries that are in the log without this gate's `commit`. They are the log: a failure here means
    /// the log holds something this registry would have refused, which only a full audit can explain; the entry
    /// is skipped so that the registry's size still follows the log, and the problem is reported by `replay`.
    public func observe(_ entries: [LogEntry]) {
        let exceptions = usccExceptions
        guarded.withLock { guarded in
            guarded.state.abortBatch()
            guarded.touches.removeAll()
            let hasher = MapHasher(guarded.state.ledger?.genesis.hashSuite ?? .sha256)
            for entry in entries where entry.index == guarded.state.size {
                if MapRootRecord.isMapRoot(entry.payload) {
                    if let record = try? MapRootRecord(payload: entry.payload),
                       (try? guarded.state.applyMapRoot(at: entry.index)) != nil {
                        var touched = guarded.carried
                        touched.formUnion(guarded.touches)
                        guarded.observedMapRoots.append(ObservedMapRoot(
                            index: entry.index, root: record.root,
                            changes: touched.changes(in: guarded.state, using: hasher)))
                        guarded.carried.removeAll()
                    }
                    guarded.touches.removeAll()
                } else if let submission = try? Self.decode(entry, usccExceptions: exceptions),
                          (try? guarded.state.apply(submission, at: entry.index)) != nil {
                    guarded.touches.note(submission.record, at: entry.index)
                }
                guarded.state.skip(to: entry.index + 1)
            }
        }
    }

    // MARK: Helpers

    /// The submission in an entry; its payload must be exactly the canonical form (the log stores nothing else).
    static func decode(_ entry: LogEntry, usccExceptions: Set<String>) throws(RegistryError) -> Submission {
        let payload = Array(entry.payload)
        let submission = try Submission(bytes: payload, usccExceptions: usccExceptions)
        guard submission.canonicalBytes == payload else {
            throw RegistryError(.invalid, field: "submission", "the payload is not in canonical JSON (RFC 8785) form")
        }
        return submission
    }

    private static func locate(_ error: RegistryError, position: Int, of count: Int) -> RegistryError {
        guard count > 1 else { return error }
        return RegistryError(error.code, field: FieldCheck.join("bundle[\(position)]", error.field ?? ""),
                             error.reason, index: error.index)
    }
}

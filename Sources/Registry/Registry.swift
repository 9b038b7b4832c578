public import LedgerCrypto
public import Log
import Synchronization

/// The Registry as the log's sequencing gate (DESIGN.md §6): the state machine behind a lock, the concurrent
/// pre-check that runs before `Sequencer.submit`, and the serial `admit` that runs inside the sequencer's loop.
///
/// The split follows the cost: signatures (≈ 10k/s per core) are verified in `precheck`, concurrently, against a
/// snapshot of the department's keys; `admit` only looks up and applies, and re-checks everything that may have
/// changed since (key currency, role, nonce, state), because other entries may have been sequenced in between.
///
/// What the pre-check found travels with the submission: `precheck` answers a `CheckedSubmission` (the decoded
/// submission, its canonical bytes and their digest, the key that verified it), `admission(for:)` wraps a group of
/// them for the sequencer, and the gate admits exactly those values in the loop — nothing is parsed or hashed again
/// between the request and the store, and nothing is kept on the side for a request that never reaches the gate. A
/// submission reaches the log only through such a value: a group submitted as bare payloads is refused
/// (`admit(_:)`), so no path into the log skips the signature check.
public final class Registry: SequencingGate, Sendable {
    /// What `precheck` found.
    public enum Precheck: Sendable, Equatable {
        /// Signature, key, role and schema are good: submit it (`admission(for:)`).
        case accepted(CheckedSubmission)
        /// This exact submission is already in the log at this index: answer with that entry (idempotent re-send).
        case duplicate(index: UInt64)

        /// The checked submission, when the pre-check accepted it.
        public var checked: CheckedSubmission? {
            if case .accepted(let checked) = self { return checked }
            return nil
        }
    }

    private struct Guarded: ~Copyable {
        var state: RegistryState
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

    /// Guards the state. Held only for dictionary work — never across a signature check, I/O or an `await` — so
    /// `admit` never waits long behind a reader.
    private let guarded: Mutex<Guarded>

    /// A registry over `state` (empty for a new ledger; `replay` builds it from a stored log).
    ///
    /// `unclosed`: the status-map keys touched by the log's entries after its last `map.root` (from the replay).
    public init(state: RegistryState = RegistryState(), unclosed: StatusMapTouches = StatusMapTouches()) {
        guarded = Mutex(Guarded(state: state, carried: unclosed))
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
    /// verify with that key, and the answer is the checked submission to submit (`admission(for:)`). Throws
    /// `badSignature` (401), `forbidden` (403) or `conflict` (409, a nonce reused). The submission's digest is
    /// taken here, once; nothing is remembered.
    public func precheck(_ submission: Submission) throws(RegistryError) -> Precheck {
        let digest = HashAlgorithm.sha256.hash(submission.canonicalBytes)
        let nonceKey = RegistryState.nonceKey(submission.department, submission.nonce)
        let lookup = guarded.withLock { (guarded: inout Guarded) -> Result<PublicKey, RegistryError> in
            let state = guarded.state
            if let used = state.nonces[nonceKey], used.digest == digest {
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
        if let used = guarded.withLock({ $0.state.nonces[nonceKey] }) {
            guard used.digest == digest else {
                throw RegistryError(.conflict, field: "nonce", "nonce \(submission.nonce) of \(submission.department) "
                                    + "was used by another submission at index \(used.index)")
            }
            return .duplicate(index: used.index)
        }
        return .accepted(CheckedSubmission(submission: submission, digest: digest))
    }

    /// Pre-checks every submission of a bundle; the first failure names `bundle[i]`. The bundle is a duplicate only
    /// if every submission is (then the original indices are returned); a partial re-send is a conflict. A bundle
    /// is admitted whole, so a mix seen once can be an identical bundle admitted between two of these checks: the
    /// accepted ones are checked again before a conflict is declared.
    public func precheck(_ bundle: SubmissionBundle) throws(RegistryError) -> [Precheck] {
        var results = try precheckEach(bundle.submissions)
        if results.contains(where: { $0.checked != nil }), results.contains(where: { $0.checked == nil }) {
            let accepted = results.indices.filter { results[$0].checked != nil }
            let again = try precheckEach(accepted.map { bundle.submissions[$0] })
            for (position, result) in zip(accepted, again) { results[position] = result }
        }
        let duplicates = results.filter { $0.checked == nil }.count
        guard duplicates == 0 || duplicates == results.count else {
            throw RegistryError(.conflict, field: "bundle", "\(duplicates) of \(results.count) submissions are "
                                + "already in the log: a bundle is re-sent whole or not at all")
        }
        return results
    }

    /// `precheck` of each submission in turn; the error of the first that fails names `bundle[i]`.
    private func precheckEach(_ submissions: [Submission]) throws(RegistryError) -> [Precheck] {
        var results: [Precheck] = []
        for (position, submission) in submissions.enumerated() {
            do {
                results.append(try precheck(submission))
            } catch {
                throw RegistryError(error.code, field: FieldCheck.join("bundle[\(position)]", error.field ?? ""),
                                    error.reason, index: error.index)
            }
        }
        return results
    }

    /// The group `checked` (one submission, or a bundle's, in order) as the sequencer takes it
    /// (`Sequencer.submit(_:)`): its canonical bytes are the entries' payloads, and this registry admits the checked
    /// values themselves in the loop (`admit(_:as:)`). Submit it to the sequencer whose gate is this registry.
    public func admission(for checked: [CheckedSubmission]) -> Admission {
        Admission(payloads: checked.map(\.submission.canonicalBytes)) { [self] entries in
            try admit(checked, as: entries)
        }
    }

    // MARK: SequencingGate (serial, inside the sequencer's loop)

    /// Applies a checked group tentatively at `entries`' indices, all or nothing: the state rules, and the key
    /// currency, role and nonce again (entries sequenced since the pre-check may have changed them). The entries'
    /// payloads are the submissions' canonical bytes (`admission(for:)` gave them to the sequencer); nothing is
    /// decoded or hashed here. Throws the `RegistryError` of the first bad submission, its field prefixed with
    /// `bundle[i]` when the group has several.
    func admit(_ checked: [CheckedSubmission], as entries: [LogEntry]) throws(RegistryError) {
        precondition(checked.count == entries.count, "an admission's entries are its submissions")
        try guarded.withLock { (guarded: inout Guarded) throws(RegistryError) in
            guarded.state.beginBatch()
            let savepoint = guarded.state.savepoint()
            for (position, item) in checked.enumerated() {
                do throws(RegistryError) {
                    try guarded.state.apply(item.submission, digest: item.digest, at: entries[position].index)
                } catch {
                    guarded.state.rollback(to: savepoint)
                    throw Self.locate(error, position: position, of: entries.count)
                }
            }
            for (position, item) in checked.enumerated() {
                guarded.touches.note(item.submission.record, at: entries[position].index)
            }
        }
    }

    /// A group submitted as bare payloads, without the checked submissions of a pre-check: refused. The payloads
    /// are decoded first, so that one that is no submission in canonical form is named as such.
    public func admit(_ entries: [LogEntry]) throws {
        let exceptions = usccExceptions
        for (position, entry) in entries.enumerated() {
            do {
                _ = try Self.decode(entry, usccExceptions: exceptions)
            } catch {
                throw Self.locate(error, position: position, of: entries.count)
            }
        }
        throw Self.locate(RegistryError(.badSignature, field: "signature", "the signature of this submission was "
                                        + "not verified before sequencing (pre-check it, then submit its admission)"),
                          position: 0, of: entries.count)
    }

    public func commit() {
        guarded.withLock {
            $0.state.commitBatch()
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

    /// Drops the batch's tentative state (nothing of it reached the log; the sequencer may admit the same checked
    /// groups again, whose admissions it keeps).
    public func abort() {
        guarded.withLock { guarded in
            guarded.state.abortBatch()
            guarded.touches.removeAll()
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

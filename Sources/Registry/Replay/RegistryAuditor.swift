import LedgerCrypto
public import Log
import SignedNote

/// Rebuilds the Registry's state from a log, entry by entry, verifying every submission as it stood when the entry
/// was made (DESIGN.md §1, §7): the payload is a canonical submission, its department, key and role were current at
/// that index, its signature verifies with that key (the key history comes from the log itself), and the state
/// machine accepts it. One code path for the start-up replay (`Registry.replay`) and the audit, where it is the
/// `visit` closure of `LogVerifier.verify` (which checks the chain, tiles and checkpoint around it):
///
///     let auditor = RegistryAuditor(identity: identity)
///     let report = try await LogVerifier(store: store, identity: identity)
///         .verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:))
///
/// Not thread-safe: one auditor walks one log, in one task. Its `chunkPreparer()` snapshots are immutable and may run on
/// any task: that is how the audit verifies signatures on both cores while the state machine stays sequential.
public final class RegistryAuditor {
    /// The state after the entries visited so far.
    public private(set) var state = RegistryState()
    /// When set, the genesis must name this log's origin, hash suite and checkpoint key.
    public let identity: LogIdentity?
    /// Every key any department has had so far, by key ID: the snapshot `chunkPreparer()` hands to the concurrent stage.
    private var knownKeys: [String: PublicKey] = [:]
    /// Signatures whose verdict came from the concurrent stage (the rest were checked during the walk: those in the
    /// first window, and those by keys registered within the window before them).
    public private(set) var signaturesCheckedAhead: UInt64 = 0
    /// The genesis's USCC exceptions (empty before it): every payload is decoded with them. Kept here, set once
    /// the genesis is applied, rather than read from `state.parameters` (a copy of the genesis) for every entry.
    private var exceptions: Set<String> = []
    /// Keeps the status map along the walk and answers for each `map.root` entry (`keepStatusMap`).
    private var statusMap: (keeper: any StatusMapKeeper, hasher: MapHasher)?
    /// The status-map keys touched since the last `map.root` entry (only while a keeper is set).
    private var touches = StatusMapTouches()
    /// The status-map keys touched since the last `map.root` entry (empty without a keeper): what the next map root
    /// must include.
    public var unclosedStatusMapTouches: StatusMapTouches { touches }
    /// `map.root` entries seen, and how many of them the keeper recomputed and compared.
    public private(set) var mapRoots: (seen: UInt64, compared: UInt64) = (0, 0)

    public init(identity: LogIdentity? = nil) {
        self.identity = identity
    }

    /// An auditor that continues from `state` (a registry snapshot, `RegistrySnapshot`): the next entry it visits
    /// is entry `state.size`. The state's genesis is checked against `identity` here, as a replay from entry 0
    /// checks it when it visits the genesis.
    public init(identity: LogIdentity?, continuing state: RegistryState) throws(RegistryError) {
        self.identity = identity
        self.state = state
        if let identity, let genesis = state.parameters?.genesis { try Self.check(genesis, against: identity) }
        exceptions = state.parameters?.usccExceptions ?? []
        for department in state.departments.values {
            for (keyId, span) in department.keys { knownKeys[keyId] = span.key }
        }
    }

    /// Entries visited so far.
    public var size: UInt64 { state.size }

    /// Keeps at most `hotCapacity` recently written values of each kind in memory and the rest in `spill`
    /// (`RegistryState.spill(to:hotCapacity:)`): an audit of any length in flat memory. Call before the walk; check
    /// `state.spillError` after it (a verdict reached with a failed spill is no verdict).
    public func spill(to spill: any RegistrySpill, hotCapacity: Int) {
        state.spill(to: spill, hotCapacity: hotCapacity)
    }

    /// Keeps only what the verdict needs (`RegistryState.dropQueryIndexes()`): for the audit, whose state is
    /// dropped once it has answered. Call before the walk.
    public func dropQueryIndexes() {
        state.dropQueryIndexes()
    }

    /// Recomputes the status map along the walk: at every `map.root` entry `keeper` is handed the changes of the
    /// batch it closes, and a root it gives back that differs from the entry's fails the walk at that index. Call
    /// before the walk.
    public func keepStatusMap(_ keeper: any StatusMapKeeper, hasher: MapHasher) {
        statusMap = (keeper, hasher)
    }

    /// Verifies and applies the next entry; throws a `RegistryError` carrying the entry's index and why.
    public func visit(_ entry: LogEntry) throws(RegistryError) {
        try visit(entry, prepared: nil)
    }

    /// The function the audit's concurrent stage runs on each chunk (`LogVerifier.verify(chunkPreparer:visit:)`),
    /// with the keys the log had registered up to the walk's position now — a key registered later in the window is
    /// not known yet, and `visit` checks those signatures itself. Every entry is decoded first (its key looked up
    /// while the submission is still in cache), then every signature checked back to back, so the verifications
    /// run with OpenSSL's code and tables hot.
    public func chunkPreparer() -> @Sendable ([LogEntry]) -> [PreparedSubmission] {
        let keys = knownKeys, exceptions = exceptions
        return { entries in
            var decoded: [Result<PreparedSubmission.Decoded, RegistryError>] = []
            var checks: [PreparedSubmission.SignatureCheck?] = []
            decoded.reserveCapacity(entries.count)
            checks.reserveCapacity(entries.count)
            let sha256 = DigestContext(.sha256)
            for entry in entries {
                let one = PreparedSubmission.Decoded.decode(entry, exceptions: exceptions, sha256: sha256)
                checks.append(PreparedSubmission.SignatureCheck(one, keys: keys))
                decoded.append(one)
            }
            // The decoded payloads are then moved out (popped, from the last), not copied: a chunk's submissions,
            // out of the cache by now, are not visited again.
            let verdicts = checks.map { $0?.verdict() }
            var prepared: [PreparedSubmission] = []
            prepared.reserveCapacity(decoded.count)
            while let one = decoded.popLast() {
                prepared.append(PreparedSubmission(exceptions: exceptions, decoded: consume one,
                                                   signature: verdicts[decoded.count]))
            }
            prepared.reverse()
            return prepared
        }
    }

    /// `visit` with the work of `chunkPreparer()` done ahead: the same checks, in the same order, with the same errors.
    /// Auditing both cores' worth of signatures this way:
    ///
    ///     try await LogVerifier(store: store, identity: identity)
    ///         .verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:))
    public func visit(_ entry: LogEntry, prepared: PreparedSubmission?) throws(RegistryError) {
        do throws(RegistryError) {
            guard entry.index == state.size else {
                throw RegistryError(.conflict, "expected entry \(state.size), found entry \(entry.index)")
            }
            if MapRootRecord.isMapRoot(entry.payload) {
                try visitMapRoot(MapRootRecord(payload: entry.payload), at: entry.index)
                return
            }
            let decoded: PreparedSubmission.Decoded
            if let prepared, prepared.exceptions == exceptions {
                decoded = try prepared.decoded.get()
            } else {
                decoded = try PreparedSubmission.Decoded.decode(entry, exceptions: exceptions,
                                                                sha256: DigestContext(.sha256)).get()
            }
            // The state is reached through one `inout` access for the whole entry: a non-mutating call on a struct
            // stored in a class copies it (a retain and a release per dictionary of the state) at every call.
            try decoded.apply(at: entry.index, early: prepared?.signature, to: &state,
                              checkedAhead: &signaturesCheckedAhead)
            if statusMap != nil { touches.note(decoded.submission.record, at: entry.index) }
            // Only the kinds that set parameters or keys are looked at again (passing the submission on copies it).
            switch decoded.submission.kind {
            case .ledgerGenesis:
                if let identity, let genesis = state.parameters?.genesis { try Self.check(genesis, against: identity) }
                exceptions = state.parameters?.usccExceptions ?? []
                learnKeys(of: decoded.submission)
            case .departmentRegister, .departmentRotateKey:
                learnKeys(of: decoded.submission)
            default:
                break
            }
        } catch {
            throw error.at(index: entry.index)
        }
    }

    /// A `map.root` entry: the state moves past it, and the kept status map (if any) must give the same root.
    private func visitMapRoot(_ record: MapRootRecord, at index: UInt64) throws(RegistryError) {
        try state.applyMapRoot(at: index)
        mapRoots.seen += 1
        guard let (keeper, hasher) = statusMap else { return }
        let changes = touches.changes(in: state, using: hasher)
        touches.removeAll()
        let computed: Hash256?
        do { computed = try keeper.root(closingAt: index, changes: changes) } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.conflict, field: "map", "the status map could not be kept: \(error)")
        }
        guard let computed else { return }
        mapRoots.compared += 1
        guard computed == record.root else {
            throw RegistryError(.conflict, field: "record.root", "the map.root entry states root \(record.root.base64), "
                                + "the entries before it give \(computed.base64)")
        }
    }

    /// Remembers every key of the department an applied entry registered or changed, for later `chunkPreparer()`s.
    private func learnKeys(of submission: Submission) {
        let department: DepartmentID
        switch submission.record {
        case .ledgerGenesis: department = submission.department
        case .departmentRegister(let record): department = record.id
        case .departmentRotateKey(let record): department = record.department
        default: return
        }
        for (keyId, span) in state.departments[department.value]?.keys ?? [:] { knownKeys[keyId] = span.key }
    }

    /// The genesis must describe the log it is entry 0 of: a genesis copied from another ledger is refused.
    static func check(_ genesis: GenesisRecord, against identity: LogIdentity) throws(RegistryError) {
        guard genesis.origin == identity.origin else {
            throw RegistryError(.conflict, field: "record.origin",
                                "the genesis names origin \(genesis.origin), the log is \(identity.origin)")
        }
        guard genesis.hashSuite == identity.hashAlgorithm else {
            throw RegistryError(.conflict, field: "record.hashSuite", "the genesis names \(genesis.hashSuite), "
                                + "the log hashes with \(identity.hashAlgorithm)")
        }
        let key = try? Ed25519NoteVerifier(verifierKey: genesis.checkpointVerifierKey)
        guard let key, key.name == identity.verifier.name, key.keyID == identity.verifier.keyID else {
            throw RegistryError(.conflict, field: "record.checkpointVerifierKey",
                                "the genesis names another checkpoint key than the log's \(identity.verifier.name)")
        }
    }
}

extension PreparedSubmission.Decoded {
    /// The checks of `RegistryAuditor.visit` on the decoded submission, in order: the key the state names, the
    /// signature (the early verdict only if it was reached with exactly that key), the state rules. (`visit` then
    /// checks a genesis against the log's identity.) A method of the box, so the submission is read in place: passed
    /// out of it as an argument, it was copied (a retain and a release per field) for every entry.
    func apply(at index: UInt64, early: (key: PublicKey, valid: Bool)?, to state: inout RegistryState,
               checkedAhead: inout UInt64) throws(RegistryError) {
        let key = try state.signingKey(for: submission, at: index)
        let valid: Bool
        if let early, early.key == key {
            valid = early.valid
            checkedAhead += 1
        } else {
            valid = submission.verifySignature(with: key)
        }
        guard valid else {
            throw RegistryError(.badSignature, field: "signature", "the signature of \(submission.kind) by "
                                + "\(submission.department) does not verify with key \(submission.keyId)")
        }
        try state.apply(submission, digest: digest, at: index, signingKeyChecked: true)
    }
}

import LedgerCrypto

/// The Registry's state machine (DESIGN.md §4): applied entry by entry in log order, it knows the
/// ledger's parameters, every department and its key history, every license by USCC, every seal, the links by
/// holder and every (department, nonce). Pure value code without I/O: the same type serves the sequencing gate,
/// the start-up replay and the audit.
///
/// `apply` checks the state rules only; the submission's signature is verified by the caller against the key
/// `signingKey(for:at:)` names (concurrently before sequencing, or entry by entry in a replay).
///
/// Efficiency: dictionaries keyed by the subject, each applied entry touches a handful of values. A tentative
/// batch keeps an undo journal of the values it changed (`StateJournal`) instead of copying the state; the public
/// queries answer from the committed values while a batch is in flight.
public struct RegistryState: Sendable {
    /// What the log says about a (department, nonce): the entry that used it and the digest of its submission.
    struct NonceRecord: Sendable {
        let index: UInt64
        let digest: Hash256
    }

    /// A `witness.policy` entry: where it is in the log and what it says.
    public struct WitnessPolicyEntry: Sendable, Equatable {
        public let index: UInt64
        public let record: WitnessPolicyRecord
    }

    /// The license version a document digest belongs to.
    public struct DocumentRef: Sendable, Equatable {
        public let uscc: USCC
        /// The `license.issue`/`license.amend` entry that carries the document.
        public let index: UInt64
        public let version: Int
    }

    /// Entries applied so far (including tentative ones).
    public internal(set) var size: UInt64 = 0
    var parameters: LedgerParameters?
    var departments: [String: DepartmentState] = [:]
    var licenses = SpillMap<String, LicenseState>()
    var seals = SpillMap<String, SealState>()
    var nonces = SpillMap<String, NonceRecord>()
    var documents = SpillMap<ContentDigest, DocumentRef>()
    var links = SpillMap<String, IndexList>()
    /// The seal ids ever issued to a holder (by USCC), in the order of their first issue: what a look-up of a
    /// license lists beside it, so a clerk sees every seal of the holder without knowing its id.
    var holderSeals = SpillMap<String, [SealID]>()
    /// The latest `witness.policy` entry, if any.
    var witnessPolicy: WitnessPolicyEntry?
    /// Set when the state spills (`spill(to:hotCapacity:)`): the first spill error, if any.
    private var spillFailure: SpillFailure?
    /// Whether the indices that serve queries only are kept (`dropQueryIndexes()`).
    private(set) var keepsQueryIndexes = true
    /// Non-nil while a batch is tentative.
    var journal: StateJournal?

    /// The state of an empty log.
    public init() {}

    /// Keeps at most `hotCapacity` recently written values per kind (licenses, seals, nonces, documents, links,
    /// holders' seals) in memory and the rest in `spill`: the audit of a log of any length in flat memory. Only for
    /// a state with one owner that is never copied (a spilled state's copies would share one spill). Departments and
    /// the ledger's parameters stay in memory: there are few.
    public mutating func spill(to spill: any RegistrySpill, hotCapacity: Int) {
        let failure = SpillFailure()
        spillFailure = failure
        licenses.spill(to: spill, table: 1, hotCapacity: hotCapacity, failure: failure)
        seals.spill(to: spill, table: 2, hotCapacity: hotCapacity, failure: failure)
        nonces.spill(to: spill, table: 3, hotCapacity: hotCapacity, failure: failure)
        documents.spill(to: spill, table: 4, hotCapacity: hotCapacity, failure: failure)
        links.spill(to: spill, table: 5, hotCapacity: hotCapacity, failure: failure)
        holderSeals.spill(to: spill, table: 6, hotCapacity: hotCapacity, failure: failure)
    }

    /// Stops keeping the indices that answer queries and never decide a verdict — documents by digest, `link.share`
    /// entries by holder, seal ids by holder — for a state whose only use is the verdict (the audit): every check
    /// of `apply` stays, `document(_:)`, `links(about:)` and `seals(heldBy:)` then answer nothing. At a million
    /// entries that is 0.7 of the 2.3 values an entry adds, and the document digests are the ones whose random
    /// keys cost a scratch-file page each. Call before the first entry.
    public mutating func dropQueryIndexes() {
        keepsQueryIndexes = false
    }

    /// The first error of the spill (a full disk under the scratch file): from then on the state is incomplete and
    /// the walk must stop.
    public var spillError: (any Error)? { spillFailure?.error }

    // MARK: Queries (committed values only)

    /// Entries committed: those a checkpoint can cover.
    public var committedSize: UInt64 { journal?.startSize ?? size }

    /// The genesis parameters, once entry 0 is committed.
    public var ledger: LedgerParameters? {
        if case .parameters(let old)? = journal?.committed(.parameters) { return old }
        return parameters
    }

    public func department(_ id: DepartmentID) -> DepartmentState? {
        if case .department(let old)? = journal?.committed(.department(id.value)) { return old }
        return departments[id.value]
    }

    public func license(_ uscc: USCC) -> LicenseState? {
        if case .license(let old)? = journal?.committed(.license(uscc.value)) { return old }
        return licenses[uscc.value]
    }

    public func seal(_ id: SealID) -> SealState? {
        if case .seal(let old)? = journal?.committed(.seal(id.value)) { return old }
        return seals[id.value]
    }

    /// The license version whose document has this digest.
    public func document(_ digest: ContentDigest) -> DocumentRef? {
        if case .document(let old)? = journal?.committed(.document(digest)) { return old }
        return documents[digest]
    }

    /// The `link.share` entries about `holder`, in log order.
    public func links(about holder: USCC) -> [UInt64] {
        if case .links(let old)? = journal?.committed(.links(holder.value)) { return old?.array ?? [] }
        return links[holder.value]?.array ?? []
    }

    /// The ids of the seals ever issued to `holder`, in the order of their first issue. A seal id reissued to
    /// another holder stays listed under the first too: ask `seal(_:)` for who holds it now.
    public func seals(heldBy holder: USCC) -> [SealID] {
        if case .holderSeals(let old)? = journal?.committed(.holderSeals(holder.value)) { return old ?? [] }
        return holderSeals[holder.value] ?? []
    }

    /// The entry that used `nonce` for `department`, if any.
    public func entryIndex(department: DepartmentID, nonce: Nonce) -> UInt64? {
        let key = Self.nonceKey(department, nonce)
        if case .nonce(let old)? = journal?.committed(.nonce(key)) { return old?.index }
        return nonces[key]?.index
    }

    /// The latest committed `witness.policy` entry: the operator's witness policy, if it has published one.
    public var latestWitnessPolicy: WitnessPolicyEntry? {
        if case .witnessPolicy(let old)? = journal?.committed(.witnessPolicy) { return old }
        return witnessPolicy
    }

    /// Counts of what the state holds (for metrics and tests).
    public var counts: (departments: Int, licenses: Int, seals: Int, nonces: Int) {
        (departments.count, licenses.count, seals.count, nonces.count)
    }

    static func nonceKey(_ department: DepartmentID, _ nonce: Nonce) -> String {
        department.value + "/" + nonce.value
    }

    // MARK: Tentative batches

    /// Starts journaling: what follows can be rolled back until `commitBatch`.
    mutating func beginBatch() {
        if journal == nil { journal = StateJournal(startSize: size) }
    }

    /// Where a group starts, to undo that group alone.
    func savepoint() -> StateJournal.Savepoint {
        StateJournal.Savepoint(count: journal?.saves.count ?? 0, size: size)
    }

    /// Undoes everything applied since `savepoint`.
    mutating func rollback(to savepoint: StateJournal.Savepoint) {
        guard var journal else { return }
        for (slot, saved) in journal.unwind(to: savepoint.count) { restore(slot, saved) }
        self.journal = journal
        size = savepoint.size
    }

    /// Keeps everything applied: the batch is durable.
    mutating func commitBatch() {
        journal = nil
    }

    /// Undoes the whole batch.
    mutating func abortBatch() {
        guard let journal else { return }
        rollback(to: StateJournal.Savepoint(count: 0, size: journal.startSize))
        self.journal = nil
    }

    /// Saves `slot`'s value before a change, when a batch is tentative.
    mutating func willChange(_ slot: StateJournal.Slot) {
        guard journal != nil else { return }
        let saved: StateJournal.Saved
        switch slot {
        case .parameters: saved = .parameters(parameters)
        case .department(let key): saved = .department(departments[key])
        case .license(let key): saved = .license(licenses[key])
        case .seal(let key): saved = .seal(seals[key])
        case .nonce(let key): saved = .nonce(nonces[key])
        case .document(let key): saved = .document(documents[key])
        case .links(let key): saved = .links(links[key])
        case .holderSeals(let key): saved = .holderSeals(holderSeals[key])
        case .witnessPolicy: saved = .witnessPolicy(witnessPolicy)
        }
        journal?.record(slot, saved)
    }

    private mutating func restore(_ slot: StateJournal.Slot, _ saved: StateJournal.Saved) {
        switch (slot, saved) {
        case (.parameters, .parameters(let value)): parameters = value
        case (.department(let key), .department(let value)): departments[key] = value
        case (.license(let key), .license(let value)): licenses[key] = value
        case (.seal(let key), .seal(let value)): seals[key] = value
        case (.nonce(let key), .nonce(let value)): nonces[key] = value
        case (.document(let key), .document(let value)): documents[key] = value
        case (.links(let key), .links(let value)): links[key] = value
        case (.holderSeals(let key), .holderSeals(let value)): holderSeals[key] = value
        case (.witnessPolicy, .witnessPolicy(let value)): witnessPolicy = value
        default: assertionFailure("journal slot \(slot) saved with a value of another kind")
        }
    }
}

extension RegistryState {
    /// Moves the size past an entry the state could not apply (an observed entry it refuses), so that indices
    /// keep following the log.
    mutating func skip(to newSize: UInt64) {
        if size < newSize { size = newSize }
    }
}

import LedgerCrypto

/// The undo journal of a tentative batch (no full copies of the state per batch). Before the state
/// changes a slot (one dictionary value), it saves the slot's old value here; rolling back replays the saves in
/// reverse. The first save of each slot is the committed value, which is what readers see while a batch is in
/// flight (`RegistryState`'s queries), so that nothing not yet durable is ever reported.
struct StateJournal: Sendable {
    /// One value of the state, by dictionary and key.
    enum Slot: Hashable, Sendable {
        case parameters
        case department(String)
        case license(String)
        case seal(String)
        case nonce(String)
        case document(ContentDigest)
        case links(String)
        case holderSeals(String)
        case witnessPolicy
    }

    /// A slot's value before a change (nil: the key was absent).
    enum Saved: Sendable {
        case parameters(LedgerParameters?)
        case department(DepartmentState?)
        case license(LicenseState?)
        case seal(SealState?)
        case nonce(RegistryState.NonceRecord?)
        case document(RegistryState.DocumentRef?)
        case links(IndexList?)
        case holderSeals([SealID]?)
        case witnessPolicy(RegistryState.WitnessPolicyEntry?)
    }

    /// A point to roll back to: a group that fails is undone alone, the groups admitted before it stay.
    struct Savepoint: Sendable {
        let count: Int
        let size: UInt64
    }

    /// The state's size when the batch began: the committed size.
    let startSize: UInt64
    private(set) var saves: [(slot: Slot, saved: Saved)] = []
    /// Position in `saves` of each slot's first save (its committed value).
    private var firstSave: [Slot: Int] = [:]

    init(startSize: UInt64) {
        self.startSize = startSize
    }

    mutating func record(_ slot: Slot, _ saved: Saved) {
        if firstSave[slot] == nil { firstSave[slot] = saves.count }
        saves.append((slot, saved))
    }

    /// The committed value of `slot`, if the batch changed it.
    func committed(_ slot: Slot) -> Saved? {
        firstSave[slot].map { saves[$0].saved }
    }

    /// Removes and returns the saves after `count`, newest first, for the state to restore.
    mutating func unwind(to count: Int) -> [(slot: Slot, saved: Saved)] {
        guard count < saves.count else { return [] }
        let undone = Array(saves[count...].reversed())
        saves.removeSubrange(count...)
        for (slot, position) in firstSave where position >= count { firstSave[slot] = nil }
        return undone
    }
}

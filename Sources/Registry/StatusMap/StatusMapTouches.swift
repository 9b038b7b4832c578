public import Log

/// The status-map keys the entries of one batch changed, gathered as the entries are applied, and turned into the
/// batch's `MapChange`s when the batch's `map.root` closes it.
///
/// License and seal values are read from the state at the close (the last change in the batch wins); a document's
/// value is what its `license.issue`/`license.amend` entry says (the document index only ever points a digest at
/// the newest version carrying it), taken from the entry, so a state that dropped its query indexes (the audit's)
/// still gives every value.
public struct StatusMapTouches: Sendable {
    /// License and seal keys.
    private var subjects: Set<StatusMapKey> = []
    /// Each touched document's value.
    private var documents: [ContentDigest: RegistryState.DocumentRef] = [:]

    /// No keys touched.
    public init() {}

    /// Whether no key was touched.
    public var isEmpty: Bool { subjects.isEmpty && documents.isEmpty }

    /// Notes the keys of an entry applied at `index`.
    public mutating func note(_ record: Record, at index: UInt64) {
        switch record {
        case let .licenseIssue(license), let .licenseAmend(license):
            subjects.insert(.license(license.uscc))
            documents[license.document] = RegistryState.DocumentRef(uscc: license.uscc, index: index,
                                                                     version: license.version)
        case let .licenseRevoke(end), let .licenseCancel(end):
            subjects.insert(.license(end.uscc))
        case let .sealIssue(seal):
            subjects.insert(.seal(seal.sealId))
        case let .sealRevoke(revocation):
            subjects.insert(.seal(revocation.sealId))
        case .ledgerGenesis, .departmentRegister, .departmentRotateKey, .departmentRetire, .witnessPolicy, .linkShare:
            break
        }
    }

    /// Adds the keys `newer` touched after these (its document values win).
    public mutating func formUnion(_ newer: StatusMapTouches) {
        subjects.formUnion(newer.subjects)
        documents.merge(newer.documents) { _, new in new }
    }

    /// Forgets every touched key (the batch was closed or dropped).
    public mutating func removeAll() {
        subjects.removeAll(keepingCapacity: true)
        documents.removeAll(keepingCapacity: true)
    }

    /// The changes that bring the touched keys to `state` as it stands, tentative values included.
    public func changes(in state: RegistryState, using hasher: MapHasher) -> [MapChange] {
        var changes: [MapChange] = []
        changes.reserveCapacity(subjects.count + documents.count)
        for key in subjects {
            let value: [UInt8]?
            switch key {
            case let .license(uscc): value = state.licenses[uscc.value].map(RegistryState.statusMapValue(of:))
            case let .seal(id): value = state.seals[id.value].map(RegistryState.statusMapValue(of:))
            case .document: value = nil
            }
            changes.append(MapChange(key: hasher.treeKey(key.string), valueHash: value.map(hasher.valueHash)))
        }
        for (digest, document) in documents {
            changes.append(MapChange(key: hasher.treeKey(StatusMapKey.document(digest).string),
                                     valueHash: hasher.valueHash(RegistryState.statusMapValue(of: document))))
        }
        return changes
    }
}

public import LedgerCrypto

/// A department as the log has made it so far (DESIGN.md §3, "key history lives in the log"): its roles, every key
/// it ever had with the span of entries each key may sign, and whether it has retired.
public struct DepartmentState: Sendable {
    /// One key of a department and the entries it may sign: indices `validFrom ... validThrough` (inclusive).
    ///
    /// A key registered or added by entry `r` signs from `r + 1`; a key retired by entry `r` still signs `r` itself
    /// (the operator rotating its own key signs the rotation with the old one) and nothing after it.
    public struct KeySpan: Sendable {
        public let key: PublicKey
        public let validFrom: UInt64
        public internal(set) var validThrough: UInt64?

        /// Whether the key may sign the entry at `index`.
        public func isCurrent(at index: UInt64) -> Bool {
            index >= validFrom && validThrough.map { index <= $0 } != false
        }
    }

    public let id: DepartmentID
    public let nameZh: String
    public let nameEn: String
    public let roles: Set<Role>
    /// Every key the department ever had, by key ID; retired keys stay for the audit of older entries.
    public internal(set) var keys: [String: KeySpan]
    /// The entry that registered the department (0 for the operator, registered by the genesis).
    public let registeredAt: UInt64
    /// The entry that retired it, if any.
    public internal(set) var retiredAt: UInt64?
    /// Every kind a role of the department allows (`link.share` also needs the link kind's role): asked for every
    /// entry, so built once here rather than from each role's kinds at each asking.
    private let kindsAllowed: Set<SubmissionKind>

    init(id: DepartmentID, nameZh: String, nameEn: String, roles: Set<Role>, keys: [String: KeySpan],
         registeredAt: UInt64, retiredAt: UInt64?) {
        self.id = id
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.roles = roles
        self.keys = keys
        self.registeredAt = registeredAt
        self.retiredAt = retiredAt
        kindsAllowed = roles.reduce(into: []) { $0.formUnion($1.kinds) }
    }

    /// The key `keyId` if it may sign the entry at `index`.
    public func currentKey(_ keyId: KeyID, at index: UInt64) -> PublicKey? {
        guard let span = keys[keyId.value], span.isCurrent(at: index) else { return nil }
        return span.key
    }

    /// The IDs of the keys that may sign the entry at `index`, sorted.
    public func currentKeyIDs(at index: UInt64) -> [String] {
        keys.filter { $0.value.isCurrent(at: index) }.map(\.key).sorted()
    }

    /// Whether a role of the department allows `kind` (for `link.share`, of `linkKind`).
    public func allows(_ kind: SubmissionKind, linkKind: LinkKind? = nil) -> Bool {
        if kind == .linkShare, let linkKind { return roles.contains(.link(linkKind)) }
        return kindsAllowed.contains(kind)
    }
}

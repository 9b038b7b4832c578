/// An e-seal as the log has made it so far (DESIGN.md §4). A seal's own status is independent of its holder's
/// license: a revoked license revokes nothing implicitly, the verifier reports the holder beside the seal.
public struct SealState: Sendable, Equatable {
    public let sealId: SealID
    public internal(set) var holder: USCC
    public internal(set) var sealType: SealType
    public internal(set) var validFrom: CalendarDate
    public internal(set) var validTo: CalendarDate
    /// The `seal.issue` entry of the current issue.
    public internal(set) var issueIndex: UInt64
    /// The `seal.revoke` entry, if revoked.
    public internal(set) var revokeIndex: UInt64?
    /// The day the revocation takes effect.
    public internal(set) var revokedOn: CalendarDate?
    /// Every entry about this seal id, in log order.
    public internal(set) var history: [UInt64]

    /// Whether the seal is revoked (whatever the day).
    public var isRevoked: Bool { revokeIndex != nil }
    /// The last entry about this seal: what the next record's `subjectPrev` must name.
    public var lastIndex: UInt64 { history.last ?? issueIndex }
}

import CanonicalJSON

/// The revocation of an e-seal: `seal.revoke`, naming the seal's previous entry through `subjectPrev`.
public struct SealRevokeRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.sealRevoke]

    /// The seal revoked.
    public let sealId: SealID
    /// Why (1–500 characters).
    public let reason: String
    /// The day the seal stops being valid.
    public let effectiveOn: CalendarDate
    /// Index of the previous entry about this seal; required.
    public let subjectPrev: UInt64

    /// A revocation; `validate` checks it.
    public init(sealId: SealID, reason: String, effectiveOn: CalendarDate, subjectPrev: UInt64) {
        self.sealId = sealId
        self.reason = reason
        self.effectiveOn = effectiveOn
        self.subjectPrev = subjectPrev
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        try FieldCheck.text(reason, FieldCheck.join(path, "reason"), RecordLimits.reason)
    }
}

extension SealRevokeRecord {
    /// The record read straight from its four members when each is what the strict decoder would accept (see
    /// `DirectMembers`); nil otherwise, and the strict decoder names what is wrong. `validate` is still to run.
    init?<Value: DirectJSON>(direct value: Value) {
        guard var m = DirectMembers(value, count: 4),
              let effectiveOn = m.validated("effectiveOn", as: CalendarDate.self),
              let reason = m.string("reason"), let sealId = m.validated("sealId", as: SealID.self),
              let subjectPrev = m.integer("subjectPrev", as: UInt64.self) else { return nil }
        self.init(sealId: sealId, reason: reason, effectiveOn: effectiveOn, subjectPrev: subjectPrev)
    }
}

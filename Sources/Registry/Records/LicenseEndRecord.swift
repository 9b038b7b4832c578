import CanonicalJSON

/// The end of a license: `license.revoke` (吊销, a sanction by the authority) or `license.cancel` (注销, the
/// entity dissolved). Both name the entry they end through `subjectPrev`; nothing follows but a new issue.
public struct LicenseEndRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.licenseRevoke, .licenseCancel]

    /// The license that ends.
    public let uscc: USCC
    /// Why, in words a verifier may show; no personal data.
    public let reason: String
    /// The day the license stops being valid (may precede the entry: decisions are recorded after the fact).
    public let effectiveOn: CalendarDate
    /// Index of the previous entry about this USCC; required.
    public let subjectPrev: UInt64

    /// An end record; `validate` checks it.
    public init(uscc: USCC, reason: String, effectiveOn: CalendarDate, subjectPrev: UInt64) {
        self.uscc = uscc
        self.reason = reason
        self.effectiveOn = effectiveOn
        self.subjectPrev = subjectPrev
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        try FieldCheck.text(reason, FieldCheck.join(path, "reason"), RecordLimits.reason)
    }
}

extension LicenseEndRecord {
    /// The record read straight from its four members when each is what the strict decoder would accept (see
    /// `DirectMembers`); nil otherwise, and the strict decoder names what is wrong. `validate` is still to run.
    init?<Value: DirectJSON>(direct value: Value, usccExceptions: Set<String>) {
        guard var m = DirectMembers(value, count: 4),
              let effectiveOn = m.validated("effectiveOn", as: CalendarDate.self),
              let reason = m.string("reason"), let subjectPrev = m.integer("subjectPrev", as: UInt64.self),
              let uscc = m.uscc("uscc", exceptions: usccExceptions) else { return nil }
        self.init(uscc: uscc, reason: reason, effectiveOn: effectiveOn, subjectPrev: subjectPrev)
    }
}

import CanonicalJSON

/// An e-seal (电子印章) filed for a license holder: `seal.issue`. The ledger holds digests of the seal image and
/// of the seal's signing certificate, never the image or key themselves.
///
/// `subjectPrev` is null for a seal id never seen before, and names the previous entry about the seal when a
/// revoked seal id is issued again.
public struct SealIssueRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.sealIssue]

    /// The seal's id.
    public let sealId: SealID
    /// The USCC of the seal's holder, who must hold a live license (checked by the state machine).
    public let holder: USCC
    /// What the seal may be used for.
    public let sealType: SealType
    /// The seal's text as engraved (印章名称).
    public let name: String
    /// First valid day.
    public let validFrom: CalendarDate
    /// Last valid day; on or after `validFrom`.
    public let validTo: CalendarDate
    /// Digest of the seal image.
    public let image: ContentDigest
    /// Digest of the DER signing certificate bound to the seal.
    public let certificate: ContentDigest
    /// Index of the previous entry about this seal id; null for a new one.
    @ExplicitNull public private(set) var subjectPrev: UInt64?

    /// A seal record; `validate` checks it.
    public init(sealId: SealID, holder: USCC, sealType: SealType, name: String, validFrom: CalendarDate,
                validTo: CalendarDate, image: ContentDigest, certificate: ContentDigest, subjectPrev: UInt64?) {
        self.sealId = sealId
        self.holder = holder
        self.sealType = sealType
        self.name = name
        self.validFrom = validFrom
        self.validTo = validTo
        self.image = image
        self.certificate = certificate
        self.subjectPrev = subjectPrev
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        try FieldCheck.text(name, FieldCheck.join(path, "name"), RecordLimits.sealName)
        guard validFrom <= validTo else {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "validTo"),
                                "the seal's validity ends (\(validTo)) before it starts (\(validFrom))")
        }
    }
}

extension SealIssueRecord {
    /// The seal read straight from its nine members when each is what the strict decoder would accept (see
    /// `DirectMembers`); nil otherwise, and the strict decoder names what is wrong. `validate` is still to run.
    init?<Value: DirectJSON>(direct value: Value, usccExceptions: Set<String>) {
        guard var m = DirectMembers(value, count: 9), let certificate = m.contentDigest("certificate"),
              let holder = m.uscc("holder", exceptions: usccExceptions), let image = m.contentDigest("image"),
              let name = m.string("name"), let sealId = m.validated("sealId", as: SealID.self),
              let sealType = m.validated("sealType", as: SealType.self),
              let subjectPrev = m.nullableInteger("subjectPrev", as: UInt64.self),
              let validFrom = m.validated("validFrom", as: CalendarDate.self),
              let validTo = m.validated("validTo", as: CalendarDate.self)
        else { return nil }
        self.init(sealId: sealId, holder: holder, sealType: sealType, name: name, validFrom: validFrom,
                  validTo: validTo, image: image, certificate: certificate, subjectPrev: subjectPrev)
    }
}

import CanonicalJSON

/// The full data of a business license (营业执照), the record of `license.issue` and `license.amend`. An amend
/// carries the complete new data, not a difference, so that every entry alone says what the license was.
///
/// `version` is 1 on issue and greater than 1 on amend (the state machine checks it counts up by one).
/// `subjectPrev` is the index of the previous entry about this USCC; it is null only for the first issue of a
/// USCC, and an amend must always name one.
public struct LicenseRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.licenseIssue, .licenseAmend]

    /// The holder's unified social credit code: the license's identity.
    public let uscc: USCC
    /// 名称.
    public let name: String
    /// 类型.
    public let entityType: String
    /// 法定代表人 (or 负责人, 经营者).
    public let legalRepresentative: String
    /// 注册资本.
    public let registeredCapital: RegisteredCapital
    /// 成立日期.
    public let establishedOn: CalendarDate
    /// 营业期限.
    public let businessTerm: BusinessTerm
    /// 住所.
    public let domicile: String
    /// 经营范围.
    public let businessScope: String
    /// 登记机关.
    public let authority: RegistrationAuthority
    /// 核准日期 of this version: on or after `establishedOn`.
    public let approvedOn: CalendarDate
    /// Digest of the issued license document (PDF/OFD) this version corresponds to.
    public let document: ContentDigest
    /// 1 on issue, > 1 on amend.
    public let version: Int
    /// Index of the previous entry about this USCC; null only for the first issue of the USCC.
    @ExplicitNull public private(set) var subjectPrev: UInt64?

    /// License data; `validate` checks it against the kind.
    public init(uscc: USCC, name: String, entityType: String, legalRepresentative: String,
                registeredCapital: RegisteredCapital, establishedOn: CalendarDate, businessTerm: BusinessTerm,
                domicile: String, businessScope: String, authority: RegistrationAuthority, approvedOn: CalendarDate,
                document: ContentDigest, version: Int, subjectPrev: UInt64?) {
        self.uscc = uscc
        self.name = name
        self.entityType = entityType
        self.legalRepresentative = legalRepresentative
        self.registeredCapital = registeredCapital
        self.establishedOn = establishedOn
        self.businessTerm = businessTerm
        self.domicile = domicile
        self.businessScope = businessScope
        self.authority = authority
        self.approvedOn = approvedOn
        self.document = document
        self.version = version
        self.subjectPrev = subjectPrev
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        func field(_ name: String) -> String { FieldCheck.join(path, name) }
        try FieldCheck.text(name, field("name"), RecordLimits.entityName)
        try FieldCheck.text(entityType, field("entityType"), RecordLimits.entityType)
        try FieldCheck.text(legalRepresentative, field("legalRepresentative"), RecordLimits.legalRepresentative)
        try registeredCapital.validate(at: field("registeredCapital"))
        try businessTerm.validate(at: field("businessTerm"))
        try FieldCheck.text(domicile, field("domicile"), RecordLimits.domicile)
        try FieldCheck.text(businessScope, field("businessScope"), RecordLimits.businessScope)
        try authority.validate(at: field("authority"))
        guard approvedOn >= establishedOn else {
            throw RegistryError(.invalid, field: field("approvedOn"),
                                "approval (\(approvedOn)) cannot precede establishment (\(establishedOn))")
        }
        switch kind {
        case .licenseIssue where version != 1:
            throw RegistryError(.invalid, field: field("version"), "license.issue has version 1, found \(version)")
        case .licenseAmend where !(2...RecordLimits.version.upperBound).contains(version):
            throw RegistryError(.invalid, field: field("version"),
                                "license.amend has a version of 2–\(RecordLimits.version.upperBound), found \(version)")
        default:
            break
        }
        try Self.checkSubjectPrev(subjectPrev, allowNull: kind == .licenseIssue, kind: kind, at: path)
    }
}

extension LicenseRecord {
    /// The license read straight from its fourteen members when each is what the strict decoder would accept
    /// (see `DirectMembers`); nil otherwise, and the strict decoder names what is wrong. `validate` is still to run.
    init?<Value: DirectJSON>(direct value: Value, usccExceptions: Set<String>) {
        guard var m = DirectMembers(value, count: 14),
              let approvedOn = m.validated("approvedOn", as: CalendarDate.self),
              let authority = RegistrationAuthority(direct: m.member("authority")),
              let businessScope = m.string("businessScope"),
              let businessTerm = BusinessTerm(direct: m.member("businessTerm")),
              let document = m.contentDigest("document"), let domicile = m.string("domicile"),
              let entityType = m.string("entityType"),
              let establishedOn = m.validated("establishedOn", as: CalendarDate.self),
              let legalRepresentative = m.string("legalRepresentative"), let name = m.string("name"),
              let capital = RegisteredCapital(direct: m.member("registeredCapital")),
              let subjectPrev = m.nullableInteger("subjectPrev", as: UInt64.self),
              let uscc = m.uscc("uscc", exceptions: usccExceptions), let version = m.integer("version", as: Int.self)
        else { return nil }
        self.init(uscc: uscc, name: name, entityType: entityType, legalRepresentative: legalRepresentative,
                  registeredCapital: capital, establishedOn: establishedOn, businessTerm: businessTerm,
                  domicile: domicile, businessScope: businessScope, authority: authority, approvedOn: approvedOn,
                  document: document, version: version, subjectPrev: subjectPrev)
    }
}

import CanonicalJSON

/// A department's statement that it shared data about a license holder with another department (`link.share`,
/// DESIGN.md §4), under one of the seven link kinds.
///
/// Only a salted digest of the shared data enters the ledger — never the data, which is often personal. The
/// salt stays with the two departments; with it they can later prove to an auditor what was shared.
public struct LinkShareRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.linkShare]

    /// Which of the seven kinds of sharing.
    public let linkKind: LinkKind
    /// The USCC the shared data is about.
    public let holder: USCC
    /// The department the data came from.
    public let sourceDepartment: DepartmentID
    /// Another department than the source.
    public let targetDepartment: DepartmentID
    /// The other system's reference number for the shared record: 1–64 characters of printable ASCII
    /// without spaces.
    public let reference: String
    /// Salted digest of the shared data (never the data).
    public let dataDigest: SaltedDigest
    /// Why the data was shared (e.g. 不动产转移登记).
    public let purpose: String
    /// When the data was shared.
    public let sharedAt: RecordTime

    /// A link record; `validate` checks it.
    public init(linkKind: LinkKind, holder: USCC, sourceDepartment: DepartmentID, targetDepartment: DepartmentID,
                reference: String, dataDigest: SaltedDigest, purpose: String, sharedAt: RecordTime) {
        self.linkKind = linkKind
        self.holder = holder
        self.sourceDepartment = sourceDepartment
        self.targetDepartment = targetDepartment
        self.reference = reference
        self.dataDigest = dataDigest
        self.purpose = purpose
        self.sharedAt = sharedAt
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        guard sourceDepartment != targetDepartment else {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "targetDepartment"),
                                "a link joins two departments; source and target are both \(sourceDepartment)")
        }
        guard FieldCheck.ascii(reference, RecordLimits.reference, { (0x21...0x7E).contains($0) }) else {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "reference"),
                                "a reference is 1–64 printable ASCII characters without spaces, found \"\(reference)\"")
        }
        try FieldCheck.text(purpose, FieldCheck.join(path, "purpose"), RecordLimits.purpose)
    }
}

extension LinkShareRecord {
    /// The record read straight from its eight members when each is what the strict decoder would accept (see
    /// `DirectMembers`); nil otherwise, and the strict decoder names what is wrong. `validate` is still to run.
    init?<Value: DirectJSON>(direct value: Value, usccExceptions: Set<String>) {
        guard var m = DirectMembers(value, count: 8), let dataDigest = m.saltedDigest("dataDigest"),
              let holder = m.uscc("holder", exceptions: usccExceptions),
              let linkKind = m.validated("linkKind", as: LinkKind.self),
              let purpose = m.string("purpose"), let reference = m.string("reference"),
              let sharedAt = m.validated("sharedAt", as: RecordTime.self),
              let source = m.validated("sourceDepartment", as: DepartmentID.self),
              let target = m.validated("targetDepartment", as: DepartmentID.self)
        else { return nil }
        self.init(linkKind: linkKind, holder: holder, sourceDepartment: source, targetDepartment: target,
                  reference: reference, dataDigest: dataDigest, purpose: purpose, sharedAt: sharedAt)
    }
}

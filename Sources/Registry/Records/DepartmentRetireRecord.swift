/// A department leaves the ledger (`department.retire`, operator key); its keys verify nothing submitted later.
public struct DepartmentRetireRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.departmentRetire]

    /// The department that leaves.
    public let department: DepartmentID
    /// Why the department leaves (1–500 characters).
    public let reason: String

    /// A retirement; `validate` checks it.
    public init(department: DepartmentID, reason: String) {
        self.department = department
        self.reason = reason
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        try FieldCheck.text(reason, FieldCheck.join(path, "reason"), RecordLimits.reason)
    }
}

/// A department gains a key and may retire others at the same time (`department.rotate-key`, operator key).
/// Retired keys stop verifying new submissions; entries they signed stay valid, because an auditor checks each
/// signature against the key history as it stood at that entry.
public struct DepartmentRotateKeyRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.departmentRotateKey]

    public let department: DepartmentID
    public let newKey: KeyRecord
    /// 0–8 distinct key ids, not including `newKey`.
    public let retireKeyIds: [KeyID]

    public init(department: DepartmentID, newKey: KeyRecord, retireKeyIds: [KeyID]) {
        self.department = department
        self.newKey = newKey
        self.retireKeyIds = retireKeyIds
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        _ = try newKey.loadPublicKey(at: FieldCheck.join(path, "newKey"))
        let field = FieldCheck.join(path, "retireKeyIds")
        try FieldCheck.count(retireKeyIds.count, field, RecordLimits.retiredKeys)
        try FieldCheck.unique(retireKeyIds, field) { "key \($0)" }
        if let index = retireKeyIds.firstIndex(of: newKey.keyId) {
            throw RegistryError(.invalid, field: "\(field)[\(index)]", "the new key \(newKey.keyId) cannot be retired")
        }
    }
}

/// A department leaves the ledger (`department.retire`, operator key); its keys verify nothing submitted later.
public struct DepartmentRetireRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.departmentRetire]

    public let department: DepartmentID
    public let reason: String

    public init(department: DepartmentID, reason: String) {
        self.department = department
        self.reason = reason
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        try FieldCheck.text(reason, FieldCheck.join(path, "reason"), RecordLimits.reason)
    }
}

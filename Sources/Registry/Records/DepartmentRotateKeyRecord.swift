/// A department gains a key and may retire others at the same time (`department.rotate-key`, operator key).
/// Retired keys stop verifying new submissions; entries they signed stay valid, because an auditor checks each
/// signature against the key history as it stood at that entry.
public struct DepartmentRotateKeyRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.departmentRotateKey]

    /// The department whose keys change.
    public let department: DepartmentID
    /// The key added.
    public let newKey: KeyRecord
    /// 0–8 distinct key ids, not including `newKey`.
    public let retireKeyIds: [KeyID]

    /// A rotation; `validate` checks it.
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

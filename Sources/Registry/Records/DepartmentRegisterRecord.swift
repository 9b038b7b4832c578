/// A department joins the ledger (`department.register`, signed by the operator key): its id, names, roles and
/// the public keys its submissions will be verified with.
public struct DepartmentRegisterRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.departmentRegister]

    /// The id the department will sign as.
    public let id: DepartmentID
    /// Chinese name (1–100 characters).
    public let nameZh: String
    /// English name (1–200 characters).
    public let nameEn: String
    /// Distinct roles, at least one.
    public let roles: [Role]
    /// Distinct keys, 1–8.
    public let keys: [KeyRecord]

    /// A registration; `validate` checks it.
    public init(id: DepartmentID, nameZh: String, nameEn: String, roles: [Role], keys: [KeyRecord]) {
        self.id = id
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.roles = roles
        self.keys = keys
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        func field(_ name: String) -> String { FieldCheck.join(path, name) }
        try FieldCheck.text(nameZh, field("nameZh"), RecordLimits.nameZh)
        try FieldCheck.text(nameEn, field("nameEn"), RecordLimits.nameEn)
        try FieldCheck.count(roles.count, field("roles"), 1...Role.allCases.count)
        try FieldCheck.unique(roles, field("roles")) { "role \($0)" }
        try FieldCheck.count(keys.count, field("keys"), RecordLimits.keysPerDepartment)
        try FieldCheck.unique(keys.map(\.keyId), field("keys")) { "key \($0)" }
        for (index, key) in keys.enumerated() {
            _ = try key.loadPublicKey(at: field("keys[\(index)]"))
        }
    }
}

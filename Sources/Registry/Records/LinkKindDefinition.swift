/// One link kind as the genesis fixes it (and Config/link-kinds.yaml lists it): id, names, and the role allowed
/// to record it, which must be `link:<id>`.
public struct LinkKindDefinition: Codable, Sendable, Hashable {
    /// The link kind.
    public let id: LinkKind
    /// Chinese name, e.g. 不动产登记.
    public let nameZh: String
    /// English name.
    public let nameEn: String
    /// The role allowed to record it: `link:<id>`.
    public let role: Role

    /// A definition; the genesis validates it.
    public init(id: LinkKind, nameZh: String, nameEn: String, role: Role) {
        self.id = id
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.role = role
    }

    func validate(at path: String) throws(RegistryError) {
        try FieldCheck.text(nameZh, FieldCheck.join(path, "nameZh"), RecordLimits.nameZh)
        try FieldCheck.text(nameEn, FieldCheck.join(path, "nameEn"), RecordLimits.nameEn)
        guard role == id.role else {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "role"),
                                "link kind \(id) is recorded under role \(id.role), found \(role)")
        }
    }
}

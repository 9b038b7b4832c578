import CanonicalJSON

/// The registration authority (登记机关): its name and its 6-digit administrative division code (GB/T 2260),
/// e.g. `350100` for Fuzhou.
public struct RegistrationAuthority: Codable, Sendable, Hashable {
    /// The authority's name (1–100 characters).
    public let name: String
    /// Its 6-digit division code.
    public let code: String

    /// An authority as written; the license record validates it.
    public init(name: String, code: String) {
        self.name = name
        self.code = code
    }

    func validate(at path: @autoclosure () -> String) throws(RegistryError) {
        try FieldCheck.text(name, FieldCheck.join(path(), "name"), RecordLimits.authorityName)
        guard FieldCheck.ascii(code, 6...6, FieldCheck.isDigit) else {
            throw RegistryError(.invalid, field: FieldCheck.join(path(), "code"),
                                "an authority code is a 6-digit division code, found \"\(code)\"")
        }
    }
}

extension RegistrationAuthority {
    /// The authority read straight from `{"code","name"}` (see `DirectMembers`); `validate` checks both.
    init?<Value: DirectJSON>(direct value: Value?) {
        guard var m = DirectMembers(value, count: 2), let code = m.string("code"), let name = m.string("name") else {
            return nil
        }
        self.init(name: name, code: code)
    }
}

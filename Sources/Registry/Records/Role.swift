/// What a department may submit (DESIGN.md §4), written `license-issuer`, `seal-issuer`, `operator` or
/// `link:<kind>` in `department.register` records and in Config/departments.example.yaml.
public enum Role: Sendable, Hashable, ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// Issues, amends, revokes and cancels business licenses (market regulation).
    case licenseIssuer
    /// Issues and revokes e-seals (public security).
    case sealIssuer
    /// Runs the ledger: genesis, the department registry and the witness policy.
    case `operator`
    /// Records `link.share` entries of one link kind.
    case link(LinkKind)

    static let linkPrefix = "link:"

    /// Every role there is: the three fixed ones and one per link kind.
    public static var allCases: [Role] { [.licenseIssuer, .sealIssuer, .operator] + LinkKind.allCases.map(Role.link) }

    public var value: String {
        switch self {
        case .licenseIssuer: return "license-issuer"
        case .sealIssuer: return "seal-issuer"
        case .operator: return "operator"
        case .link(let kind): return Self.linkPrefix + kind.rawValue
        }
    }

    public init(validating text: String) throws(RegistryError) {
        if let role = Self.allCases.first(where: { $0.value == text }) {
            self = role
            return
        }
        throw RegistryError(.invalid, "unknown role \(FieldCheck.quote(text)); expected license-issuer, seal-issuer, operator "
                            + "or link:<kind> with a kind from "
                            + LinkKind.allCases.map(\.rawValue).joined(separator: ", "))
    }

    /// The submission kinds this role allows; `link.share` further requires the record's link kind to match.
    public var kinds: Set<SubmissionKind> {
        switch self {
        case .licenseIssuer: return [.licenseIssue, .licenseAmend, .licenseRevoke, .licenseCancel]
        case .sealIssuer: return [.sealIssue, .sealRevoke]
        case .operator:
            return [.ledgerGenesis, .departmentRegister, .departmentRotateKey, .departmentRetire, .witnessPolicy]
        case .link: return [.linkShare]
        }
    }
}

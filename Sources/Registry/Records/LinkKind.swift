/// The seven kinds of cross-department data sharing a `link.share` may record (Config/link-kinds.yaml lists the
/// same ids with their names; the genesis entry fixes them for the life of the ledger).
public enum LinkKind: String, CaseIterable, ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// 不动产登记 — real estate registration.
    case realEstate = "real-estate"
    /// 住房公积金 — housing provident fund.
    case housingFund = "housing-fund"
    /// 公共资源交易 — public resource trading.
    case publicResourceTrading = "public-resource-trading"
    /// 税务 — taxation.
    case taxation
    /// 社会保险 — social insurance.
    case socialInsurance = "social-insurance"
    /// 医疗保障 — medical insurance.
    case medicalInsurance = "medical-insurance"
    /// 银行开户 — bank account opening.
    case bankAccount = "bank-account"

    public var value: String { rawValue }

    public init(validating text: String) throws(RegistryError) {
        guard let kind = Self(rawValue: text) else {
            throw RegistryError(.invalid, "unknown link kind \(FieldCheck.quote(text)); expected one of "
                                + Self.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = kind
    }

    /// The role a department needs to record links of this kind.
    public var role: Role { .link(self) }
}

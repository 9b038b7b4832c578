/// The type of an e-seal, by the two-digit codes of the public security seal registry: what the seal may be
/// used for decides which verifier answers matter (a contract seal on an invoice is a mismatch).
public enum SealType: String, CaseIterable, ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// 01 — the entity's legal-name seal (公章).
    case legalName = "01"
    /// 02 — finance seal (财务专用章).
    case finance = "02"
    /// 03 — invoice / tax seal (发票专用章).
    case invoice = "03"
    /// 04 — contract seal (合同专用章).
    case contract = "04"
    /// 05 — the legal representative's personal seal (法定代表人名章).
    case legalRepresentative = "05"
    /// 99 — any other seal.
    case other = "99"

    public var value: String { rawValue }

    public init(validating text: String) throws(RegistryError) {
        guard let type = Self(rawValue: text) else {
            throw RegistryError(.invalid, "unknown seal type \(FieldCheck.quote(text)); expected one of "
                                + Self.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = type
    }
}

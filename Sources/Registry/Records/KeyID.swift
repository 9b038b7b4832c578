/// A key ID as `PublicKey.keyID` computes it: 32 lower-case hex digits (the first 16 bytes of SHA-256 over the
/// key's DER SubjectPublicKeyInfo). A submission names its key by this ID; key records must match their key.
public struct KeyID: ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// Length in hex digits.
    public static let length = 32
    public let value: String

    public init(validating text: String) throws(RegistryError) {
        guard FieldCheck.ascii(text, Self.length...Self.length, FieldCheck.isLowerHex) else {
            throw RegistryError(.invalid, "a key id is \(Self.length) lower-case hex digits, found \(FieldCheck.quote(text))")
        }
        value = text
    }
}

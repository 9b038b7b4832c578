/// A submission's nonce: 16–64 characters of `[A-Za-z0-9_-]` (the base64url alphabet, RFC 4648 §5).
///
/// The ledger accepts one submission per (department, nonce): re-sending the same signed submission returns the
/// original entry, and a different submission under a used nonce is a conflict. So a nonce must be unique per
/// department for ever; 16 characters of base64url carry 96 bits, enough when drawn at random, and
/// `Nonce.random()` draws 144. A nonce is not secret and may also be a structured id (`2026-11-29_000123-abc`).
public struct Nonce: ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// Length bounds in characters.
    public static let length = 16...64
    public let value: String

    public init(validating text: String) throws(RegistryError) {
        guard FieldCheck.ascii(text, Self.length, Self.isAllowed) else {
            throw RegistryError(.invalid, "a nonce is 16–64 characters of A-Z, a-z, 0-9, \"_\" and \"-\", "
                                + "found \(text.utf8.count) characters: \(FieldCheck.quote(text))")
        }
        value = text
    }

    /// A fresh nonce of 18 random bytes (24 base64url characters) from the system's secure generator.
    public static func random() -> Nonce {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let text = String(decoding: (0..<24).map { _ in alphabet[Int(generator.next() % 64)] }, as: UTF8.self)
        // 24 characters of the base64url alphabet always pass the check above.
        return Nonce(unchecked: text)
    }

    private init(unchecked text: String) {
        value = text
    }

    static func isAllowed(_ byte: UInt8) -> Bool {
        FieldCheck.isUpperAlnum(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }
}

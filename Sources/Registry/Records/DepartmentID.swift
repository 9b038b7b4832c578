/// A department's identifier in the ledger (`xy-amr`, `xy-psb`): 2–40 characters of `[a-z0-9-]`.
/// Short and ASCII because it appears in every submission and in URLs; lower case so that one department has
/// one spelling.
public struct DepartmentID: ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// Length bounds in characters.
    public static let length = 2...40
    public let value: String

    public init(validating text: String) throws(RegistryError) {
        guard FieldCheck.ascii(text, Self.length, { FieldCheck.isLowerAlnum($0) || $0 == UInt8(ascii: "-") }) else {
            throw RegistryError(.invalid, "a department id is 2–40 characters of a-z, 0-9 and \"-\", "
                                + "found \(FieldCheck.quote(text)) (\(text.utf8.count) bytes of UTF-8)")
        }
        value = text
    }
}

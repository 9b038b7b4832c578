/// An e-seal's identifier, as the public security bureau that files the seal assigns it: the bureau's 6-digit
/// administrative division code (GB/T 2260) followed by 2–26 characters of `[0-9A-Z]` (its own serial), 8–32
/// characters in all, e.g. `35010020260001`. Upper case only, so one seal has one spelling.
public struct SealID: ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// Length bounds in characters.
    public static let length = 8...32
    public let value: String

    public init(validating text: String) throws(RegistryError) {
        let bytes = text.utf8
        guard Self.length.contains(bytes.count), bytes.prefix(6).allSatisfy(FieldCheck.isDigit),
              bytes.allSatisfy(FieldCheck.isUpperAlnum) else {
            throw RegistryError(.invalid, "a seal id is a 6-digit division code and 2–26 characters of 0-9 and "
                                + "A-Z (8–32 in all), found \(FieldCheck.quote(text)) (\(bytes.count) characters)")
        }
        value = text
    }
}

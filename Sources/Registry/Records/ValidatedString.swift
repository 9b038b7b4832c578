/// A string with a format the ledger checks when it is decoded, so that a value of the type is always valid
/// (identifiers, dates and nonces are rejected at the JSON path where they appear).
///
/// Conformers implement `init(validating:)`; decoding and encoding as a plain JSON string come from here.
public protocol ValidatedString: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The text exactly as it appears in the record.
    var value: String { get }
    /// Checks `text`; the error names what is wrong with the numbers in it, and no field (the caller's path).
    init(validating text: String) throws(RegistryError)
}

extension ValidatedString {
    /// Decodes a JSON string and validates it; a bad value fails at its own JSON path. Conformers call this from
    /// their `init(from:)`: a default here would lose to the compiler's synthesized `Codable`.
    init(decodingString decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(validating: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }

    /// Encodes `value` as a JSON string.
    func encodeString(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
}

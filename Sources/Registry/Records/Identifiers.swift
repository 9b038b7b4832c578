/// A department's identifier in the ledger (`xy-amr`, `xy-psb`): 2–40 characters of `[a-z0-9-]`.
/// Short and ASCII because it appears in every submission and in URLs; lower case so that one department has
/// one spelling.
public struct DepartmentID: ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    public static let length = 2...40
    public let value: String

    public init(validating text: String) throws(RegistryError) {
        guard FieldCheck.ascii(text, Self.length, { FieldCheck.isLowerAlnum($0) || $0 == UInt8(ascii: "-") }) else {
            throw RegistryError(.invalid, "a department id is 2–40 characters of a-z, 0-9 and \"-\", "
                                + "found \"\(text)\" (\(text.utf8.count) bytes of UTF-8)")
        }
        value = text
    }
}

/// A key ID as `PublicKey.keyID` computes it: 32 lower-case hex digits (the first 16 bytes of SHA-256 over the
/// key's DER SubjectPublicKeyInfo). A submission names its key by this ID; key records must match their key.
public struct KeyID: ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    public static let length = 32
    public let value: String

    public init(validating text: String) throws(RegistryError) {
        guard FieldCheck.ascii(text, Self.length...Self.length, FieldCheck.isLowerHex) else {
            throw RegistryError(.invalid, "a key id is \(Self.length) lower-case hex digits, found \"\(text)\"")
        }
        value = text
    }
}

/// An e-seal's identifier, as the public security bureau that files the seal assigns it: the bureau's 6-digit
/// administrative division code (GB/T 2260) followed by 2–26 characters of `[0-9A-Z]` (its own serial), 8–32
/// characters in all, e.g. `35010020260001`. Upper case only, so one seal has one spelling.
public struct SealID: ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    public static let length = 8...32
    public let value: String

    public init(validating text: String) throws(RegistryError) {
        let bytes = Array(text.utf8)
        guard Self.length.contains(bytes.count), bytes.prefix(6).allSatisfy(FieldCheck.isDigit),
              bytes.allSatisfy(FieldCheck.isUpperAlnum) else {
            throw RegistryError(.invalid, "a seal id is a 6-digit division code and 2–26 characters of 0-9 and "
                                + "A-Z (8–32 in all), found \"\(text)\" (\(bytes.count) characters)")
        }
        value = text
    }
}

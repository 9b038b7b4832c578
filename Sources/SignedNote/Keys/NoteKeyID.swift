import LedgerCrypto

/// Key names, key IDs and signature types of C2SP signed-note §Signatures.
///
/// A signature line names its key by the pair (name, 32-bit key ID); that pair, not the public key, is what a
/// verifier matches on, so both are computed exactly as the spec recommends and checked wherever they are read.
public enum NoteKeyID {
    /// Signature type bytes assigned by signed-note §Signature types that this module knows.
    public enum SignatureType: UInt8, Sendable {
        /// Ed25519 over the note text (signed-note §Ed25519 signatures).
        case ed25519 = 0x01
        /// Timestamped Ed25519 witness cosignature (C2SP tlog-cosignature, "cosignature/v1").
        case cosignatureV1 = 0x04
    }

    /// `SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]` read big-endian: the RECOMMENDED key ID of signed-note
    /// §Signatures, which tlog-cosignature makes mandatory for type 0x04.
    public static func compute(name: String, type: SignatureType, publicKey: [UInt8]) -> UInt32 {
        let context = DigestContext(.sha256)
        context.update(Array(name.utf8))
        context.update(byte: 0x0A)
        context.update(byte: type.rawValue)
        context.update(publicKey)
        let digest = context.finalize().bytes
        return UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }

    /// The 8 lower-case hex digits that verifier and signer key strings carry.
    public static func hex(_ keyID: UInt32) -> String {
        Hex.encode(bigEndianBytes(keyID))
    }

    /// Parses exactly 8 lower-case hex digits, the only spelling `hex(_:)` produces; nil otherwise, so that a key
    /// string has one accepted form.
    public static func parseHex(_ text: some StringProtocol) -> UInt32? {
        let chars = Array(text.utf8)
        guard chars.count == 8 else { return nil }
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9"), letters = UInt8(ascii: "a")...UInt8(ascii: "f")
        for c in chars where !(digits ~= c || letters ~= c) {
            return nil
        }
        guard let bytes = Hex.decode(text), bytes.count == 4 else { return nil }
        return readBigEndian(bytes[...])
    }

    /// Checks signed-note §Format: key names are non-empty and contain neither Unicode white space nor `+`.
    /// Control characters are refused too, since no note may contain them.
    public static func validateName(_ name: String, line: Int? = nil, field: String = "name") throws(NoteError) {
        guard !name.isEmpty else {
            throw NoteError(.invalidKeyName, line: line, field: field, "key name is empty")
        }
        for scalar in name.unicodeScalars {
            if scalar == "+" {
                throw NoteError(.invalidKeyName, line: line, field: field, "key name \"\(name)\" contains '+'")
            }
            if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F {
                throw NoteError(.invalidKeyName, line: line, field: field,
                                "key name contains space or control character U+\(hex4(scalar.value))")
            }
        }
    }

    static func bigEndianBytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func readBigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

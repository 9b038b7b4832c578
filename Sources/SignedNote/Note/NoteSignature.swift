import LedgerCrypto

/// One signature line of a C2SP signed note (signed-note §Signatures):
/// `— <key name> base64(32-bit key ID ‖ signature)`.
///
/// Base64 is decoded strictly (one spelling per value), so `line` rebuilds the parsed line byte for byte.
public struct NoteSignature: Sendable, Hashable {
    /// The key name; valid per `NoteKeyID.validateName`.
    public let name: String
    /// The 32-bit key ID (the first four bytes of the base64 payload, big-endian).
    public let keyID: UInt32
    /// The signature proper, after the key ID; at least one byte.
    public let signature: [UInt8]

    /// Builds a line from its parts; throws for an invalid name or an empty signature.
    public init(name: String, keyID: UInt32, signature: [UInt8]) throws(NoteError) {
        try NoteKeyID.validateName(name)
        guard !signature.isEmpty else {
            throw NoteError(.malformedNote, field: "signature", "signature of \(name) is empty")
        }
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The em dash and space that open every signature line (U+2014 U+0020).
    static let prefix: [UInt8] = [0xE2, 0x80, 0x94, 0x20]

    /// Parses one signature line without its final newline. `lineNumber` is only for the error.
    init(parsingLine bytes: ArraySlice<UInt8>, lineNumber: Int) throws(NoteError) {
        guard bytes.starts(with: Self.prefix) else {
            throw NoteError(.malformedNote, line: lineNumber, field: "signature",
                            "signature line does not start with an em dash (U+2014) and a space")
        }
        let rest = bytes.dropFirst(Self.prefix.count)
        guard let space = rest.firstIndex(of: 0x20) else {
            throw NoteError(.malformedNote, line: lineNumber, field: "signature",
                            "signature line has no space between key name and signature")
        }
        let name = String(decoding: rest[..<space], as: UTF8.self)
        try NoteKeyID.validateName(name, line: lineNumber, field: "signature")
        let encoded = String(decoding: rest[rest.index(after: space)...], as: UTF8.self)
        guard let payload = Base64.decode(encoded) else {
            throw NoteError(.malformedNote, line: lineNumber, field: "signature",
                            "signature of \(name) is not canonical padded base64")
        }
        guard payload.count >= 5 else {
            throw NoteError(.malformedNote, line: lineNumber, field: "signature",
                            "signature of \(name) decodes to \(payload.count) bytes, need a 4-byte key ID and more")
        }
        self.name = name
        self.keyID = NoteKeyID.readBigEndian(payload[0..<4])
        self.signature = Array(payload[4...])
    }

    /// The line as it appears in a note, final newline included.
    public var line: String {
        "— \(name) \(Base64.encode(NoteKeyID.bigEndianBytes(keyID) + signature))\n"
    }

    /// Whether this line is by the key (name, key ID) — the tuple signed-note says identifies a key.
    public func isBy(name: String, keyID: UInt32) -> Bool {
        self.name == name && self.keyID == keyID
    }
}

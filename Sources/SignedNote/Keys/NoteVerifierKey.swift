import LedgerCrypto

/// Verifier key strings `<name>+<hex key ID>+<base64(type ‖ public key)>` (the vkey encoding of C2SP
/// signed-note, first defined by golang.org/x/mod/sumdb/note), read strictly.
///
/// The key ID must be 8 lower-case hex digits and must equal the ID computed from the name, type and key, so a
/// vkey that was edited by hand (or truncated) is refused instead of silently matching nothing.
public enum NoteVerifierKey {
    /// Parses a verifier key of a type this module implements: 0x01 (Ed25519 note signatures) or
    /// 0x04 (tlog-cosignature Ed25519 cosignatures).
    public static func parse(_ verifierKey: String) throws(NoteError) -> any NoteVerifier {
        let parts = try split(verifierKey)
        switch parts.type {
        case NoteKeyID.SignatureType.ed25519.rawValue:
            return try Ed25519NoteVerifier(parts)
        case NoteKeyID.SignatureType.cosignatureV1.rawValue:
            return try Ed25519CosignatureVerifier(parts)
        default:
            throw NoteError(.invalidKey, field: "verifierKey",
                            "signature type 0x\(Hex.encode([parts.type])) is not supported")
        }
    }

    /// The parts of a key string, checked for syntax only.
    struct Parts {
        let name: String
        let keyID: UInt32
        let type: UInt8
        let key: [UInt8]
    }

    /// Splits `name+hexid+base64`: the name has no `+`, the base64 may.
    static func split(_ text: String, field: String = "verifierKey") throws(NoteError) -> Parts {
        let pieces = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else {
            throw NoteError(.invalidKey, field: field, "expected <name>+<key ID>+<key>, got \(pieces.count) parts")
        }
        let name = String(pieces[0])
        try NoteKeyID.validateName(name, field: field)
        guard let keyID = NoteKeyID.parseHex(pieces[1]) else {
            throw NoteError(.invalidKey, field: field, "key ID \"\(pieces[1])\" is not 8 lower-case hex digits")
        }
        guard let decoded = Base64.decode(pieces[2]), let type = decoded.first else {
            throw NoteError(.invalidKey, field: field, "key material is not canonical non-empty base64")
        }
        return Parts(name: name, keyID: keyID, type: type, key: Array(decoded.dropFirst()))
    }

    /// Builds the Ed25519 public key of a type 0x01 or 0x04 key string and checks its key ID.
    static func ed25519Key(_ parts: Parts, type: NoteKeyID.SignatureType, field: String = "verifierKey")
        throws(NoteError) -> PublicKey
    {
        guard parts.type == type.rawValue else {
            throw NoteError(.invalidKey, field: field,
                            "signature type is 0x\(Hex.encode([parts.type])), "
                                + "expected 0x\(Hex.encode([type.rawValue]))")
        }
        guard parts.key.count == 32 else {
            throw NoteError(.invalidKey, field: field, "Ed25519 public key is \(parts.key.count) bytes, expected 32")
        }
        let computed = NoteKeyID.compute(name: parts.name, type: type, publicKey: parts.key)
        guard computed == parts.keyID else {
            throw NoteError(.invalidKey, field: field,
                            "key ID \(NoteKeyID.hex(parts.keyID)) does not match the key (computed "
                                + "\(NoteKeyID.hex(computed)))")
        }
        do {
            return try PublicKey(raw: parts.key, algorithm: .ed25519)
        } catch {
            throw NoteError(.invalidKey, field: field, "Ed25519 public key refused: \(error)")
        }
    }

    /// Formats `name+hexid+base64(type ‖ key)`.
    static func format(name: String, keyID: UInt32, type: NoteKeyID.SignatureType, key: [UInt8]) -> String {
        "\(name)+\(NoteKeyID.hex(keyID))+\(Base64.encode([type.rawValue] + key))"
    }
}

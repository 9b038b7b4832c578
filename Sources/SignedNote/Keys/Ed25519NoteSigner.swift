public import LedgerCrypto

/// Signs notes with Ed25519, signature type 0x01 (C2SP signed-note §Ed25519 signatures).
///
/// Its key string `PRIVATE+KEY+name+hexid+base64(0x01 ‖ 32-byte seed)` is the form golang.org/x/mod/sumdb/note
/// and the C2SP tooling use, so keys move between this ledger and other tlog software unchanged.
public struct Ed25519NoteSigner: NoteSigner, CustomStringConvertible {
    public let name: String
    public let keyID: UInt32
    /// The private key; its public half is `verifier.publicKey`.
    public let privateKey: PrivateKey
    /// The matching verifier, to publish as `verifier.verifierKey`.
    public let verifier: Ed25519NoteVerifier

    static let signerKeyPrefix = "PRIVATE+KEY+"

    /// A signer for an Ed25519 `privateKey` under `name`.
    public init(name: String, privateKey: PrivateKey) throws(NoteError) {
        guard privateKey.algorithm == .ed25519 else {
            throw NoteError(.invalidKey, field: "privateKey",
                            "a \(privateKey.algorithm.rawValue) key cannot make Ed25519 note signatures")
        }
        let verifier = try Ed25519NoteVerifier(name: name, publicKey: privateKey.publicKey)
        self.name = name
        self.keyID = verifier.keyID
        self.privateKey = privateKey
        self.verifier = verifier
    }

    /// A fresh key under `name`.
    public static func generate(name: String) throws(NoteError) -> Ed25519NoteSigner {
        let key: PrivateKey
        do { key = try PrivateKey.generate(.ed25519) } catch {
            throw NoteError(.signingFailed, field: "privateKey", "Ed25519 key generation failed: \(error)")
        }
        return try Ed25519NoteSigner(name: name, privateKey: key)
    }

    /// Parses `PRIVATE+KEY+name+hexid+base64(0x01 ‖ seed)`; the key ID must match the key the seed gives.
    public init(signerKey: String) throws(NoteError) {
        guard signerKey.hasPrefix(Self.signerKeyPrefix) else {
            throw NoteError(.invalidKey, field: "signerKey", "signer key does not start with PRIVATE+KEY+")
        }
        let parts = try NoteVerifierKey.split(String(signerKey.dropFirst(Self.signerKeyPrefix.count)),
                                              field: "signerKey")
        guard parts.type == NoteKeyID.SignatureType.ed25519.rawValue, parts.key.count == 32 else {
            throw NoteError(.invalidKey, field: "signerKey",
                            "expected type 0x01 and a 32-byte Ed25519 seed, got type 0x\(Hex.encode([parts.type])) "
                                + "and \(parts.key.count) bytes")
        }
        let key: PrivateKey
        do { key = try PrivateKey(ed25519Seed: parts.key) } catch {
            throw NoteError(.invalidKey, field: "signerKey", "Ed25519 seed refused: \(error)")
        }
        try self.init(name: parts.name, privateKey: key)
        guard keyID == parts.keyID else {
            throw NoteError(.invalidKey, field: "signerKey",
                            "key ID \(NoteKeyID.hex(parts.keyID)) does not match the key (computed "
                                + "\(NoteKeyID.hex(keyID)))")
        }
    }

    /// The secret key string `PRIVATE+KEY+name+hexid+base64(0x01 ‖ seed)`. Store it like the key it is.
    public var signerKey: String {
        get throws(NoteError) {
            do {
                let seed = try privateKey.ed25519Seed
                return Self.signerKeyPrefix
                    + NoteVerifierKey.format(name: name, keyID: keyID, type: .ed25519, key: seed)
            } catch {
                throw NoteError(.invalidKey, field: "signerKey", "cannot export the Ed25519 seed: \(error)")
            }
        }
    }

    public func sign(_ message: [UInt8]) throws(NoteError) -> [UInt8] {
        do { return try privateKey.sign(message) } catch {
            throw NoteError(.signingFailed, field: "signature", "Ed25519 signing by \(name) failed: \(error)")
        }
    }

    /// Names the key without its secret, so that logging a signer never leaks it.
    public var description: String { "Ed25519NoteSigner(\(name)+\(NoteKeyID.hex(keyID)))" }
}

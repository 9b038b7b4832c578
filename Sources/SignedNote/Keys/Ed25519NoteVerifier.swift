public import LedgerCrypto

/// Verifies Ed25519 note signatures, signature type 0x01 (C2SP signed-note §Ed25519 signatures): 64-byte RFC 8032
/// signatures over the note text, key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
public struct Ed25519NoteVerifier: NoteVerifier {
    public let name: String
    public let keyID: UInt32
    /// The Ed25519 public key.
    public let publicKey: PublicKey

    /// A verifier for `publicKey` under `name`; the key ID is computed, never taken on trust.
    public init(name: String, publicKey: PublicKey) throws(NoteError) {
        try NoteKeyID.validateName(name)
        guard publicKey.algorithm == .ed25519 else {
            throw NoteError(.invalidKey, field: "publicKey",
                            "a \(publicKey.algorithm.rawValue) key cannot verify Ed25519 note signatures")
        }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteKeyID.compute(name: name, type: .ed25519, publicKey: publicKey.rawBytes)
    }

    /// Parses a verifier key `name+hexid+base64(0x01 ‖ 32-byte key)`, checking the key ID against the key.
    public init(verifierKey: String) throws(NoteError) {
        try self.init(NoteVerifierKey.split(verifierKey))
    }

    init(_ parts: NoteVerifierKey.Parts) throws(NoteError) {
        let key = try NoteVerifierKey.ed25519Key(parts, type: .ed25519)
        try self.init(name: parts.name, publicKey: key)
    }

    /// The verifier key string `name+hexid+base64(0x01 ‖ key)`, safe to publish.
    public var verifierKey: String {
        NoteVerifierKey.format(name: name, keyID: keyID, type: .ed25519, key: publicKey.rawBytes)
    }

    public func verify(_ message: [UInt8], signature: [UInt8]) -> Bool {
        signature.count == 64 && publicKey.isValidSignature(signature, for: message)
    }
}

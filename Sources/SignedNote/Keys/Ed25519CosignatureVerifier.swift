public import LedgerCrypto

/// Verifies timestamped Ed25519 witness cosignatures, signature type 0x04 (C2SP tlog-cosignature,
/// "cosignature/v1").
///
/// The signature payload is `timestamp (u64, big-endian) ‖ 64-byte Ed25519 signature`; the signed message is
/// `"cosignature/v1\n" ‖ "time <timestamp>\n" ‖ note text`. The key ID is SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4].
/// Timestamps above 2^63 − 1 are refused, as the spec requires; timestamps in the future are not judged here
/// (the spec leaves that to the client, which knows its clock).
public struct Ed25519CosignatureVerifier: NoteVerifier {
    public let name: String
    public let keyID: UInt32
    /// The witness's Ed25519 public key.
    public let publicKey: PublicKey

    /// A verifier for the witness key `publicKey` named `name`.
    public init(name: String, publicKey: PublicKey) throws(NoteError) {
        try NoteKeyID.validateName(name)
        guard publicKey.algorithm == .ed25519 else {
            throw NoteError(.invalidKey, field: "publicKey",
                            "a \(publicKey.algorithm.rawValue) key cannot verify Ed25519 cosignatures")
        }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteKeyID.compute(name: name, type: .cosignatureV1, publicKey: publicKey.rawBytes)
    }

    /// Parses a verifier key `name+hexid+base64(0x04 ‖ 32-byte key)`, checking the key ID.
    public init(verifierKey: String) throws(NoteError) {
        try self.init(NoteVerifierKey.split(verifierKey))
    }

    init(_ parts: NoteVerifierKey.Parts) throws(NoteError) {
        let key = try NoteVerifierKey.ed25519Key(parts, type: .cosignatureV1)
        try self.init(name: parts.name, publicKey: key)
    }

    /// The verifier key string `name+hexid+base64(0x04 ‖ key)`.
    public var verifierKey: String {
        NoteVerifierKey.format(name: name, keyID: keyID, type: .cosignatureV1, key: publicKey.rawBytes)
    }

    public func verify(_ message: [UInt8], signature: [UInt8]) -> Bool {
        guard signature.count == 72, let timestamp = Self.timestamp(ofPayload: signature) else { return false }
        return publicKey.isValidSignature(Array(signature[8...]),
                                          for: Self.signedMessage(text: message, timestamp: timestamp))
    }

    /// The POSIX timestamp a cosignature line claims (nil if the payload is not a v1 cosignature). Only
    /// meaningful once the line has verified.
    public static func timestamp(of line: NoteSignature) -> UInt64? {
        line.signature.count == 72 ? timestamp(ofPayload: line.signature) : nil
    }

    static func timestamp(ofPayload payload: [UInt8]) -> UInt64? {
        let value = payload.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return value <= UInt64(Int64.max) ? value : nil
    }

    /// tlog-cosignature §Ed25519 signed message.
    static func signedMessage(text: [UInt8], timestamp: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + text
    }
}

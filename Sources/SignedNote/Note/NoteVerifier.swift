/// A public key that checks note signatures: the verifier of C2SP signed-note §Signatures, identified by the
/// (name, key ID) pair that signature lines carry.
///
/// Implementations never throw: a signature that is malformed for the algorithm is simply not valid.
public protocol NoteVerifier: Sendable {
    /// The key name that signature lines of this key carry.
    var name: String { get }
    /// The 32-bit key ID that signature lines of this key carry.
    var keyID: UInt32 { get }
    /// Checks `signature` (the payload after the key ID) over the exact note text bytes.
    func verify(_ message: [UInt8], signature: [UInt8]) -> Bool
}

/// A private key that signs note texts (C2SP signed-note §Signatures): its lines carry `name` and `keyID`.
public protocol NoteSigner: Sendable {
    /// The key name written into the signature line.
    var name: String { get }
    /// The 32-bit key ID written into the signature line.
    var keyID: UInt32 { get }
    /// Signs the exact note text bytes and returns the payload that follows the key ID.
    func sign(_ message: [UInt8]) throws(NoteError) -> [UInt8]
}

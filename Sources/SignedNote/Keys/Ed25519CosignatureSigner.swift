public import LedgerCrypto
import Foundation

/// Makes timestamped Ed25519 witness cosignatures, signature type 0x04 (C2SP tlog-cosignature,
/// "cosignature/v1").
///
/// The ledger itself signs checkpoints with type 0x01; this exists so that a witness (or a test standing in for
/// one) can cosign a checkpoint, and so that type 0x04 lines are verified against the same code that makes them.
public struct Ed25519CosignatureSigner: NoteSigner {
    public let name: String
    public let keyID: UInt32
    /// The witness's private key.
    public let privateKey: PrivateKey
    /// The matching verifier.
    public let verifier: Ed25519CosignatureVerifier
    /// Seconds since the POSIX epoch for each cosignature; the wall clock unless a test fixes it.
    private let clock: @Sendable () -> UInt64

    /// A cosigner named `name`; `clock` gives the timestamp each cosignature carries (default: the wall clock).
    public init(
        name: String,
        privateKey: PrivateKey,
        clock: (@Sendable () -> UInt64)? = nil
    ) throws(NoteError) {
        guard privateKey.algorithm == .ed25519 else {
            throw NoteError(.invalidKey, field: "privateKey",
                            "a \(privateKey.algorithm.rawValue) key cannot make Ed25519 cosignatures")
        }
        let verifier = try Ed25519CosignatureVerifier(name: name, publicKey: privateKey.publicKey)
        self.name = name
        self.keyID = verifier.keyID
        self.privateKey = privateKey
        self.verifier = verifier
        self.clock = clock ?? Self.wallClock
    }

    /// Whole seconds since the POSIX epoch, now.
    static let wallClock: @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }

    /// Signs `"cosignature/v1\ntime <t>\n" ‖ message` and returns `t (u64 big-endian) ‖ signature`.
    public func sign(_ message: [UInt8]) throws(NoteError) -> [UInt8] {
        let timestamp = clock()
        guard timestamp <= UInt64(Int64.max) else {
            throw NoteError(.signingFailed, field: "timestamp", "timestamp \(timestamp) exceeds 2^63 - 1")
        }
        let signature: [UInt8]
        do {
            let signed = Ed25519CosignatureVerifier.signedMessage(text: message, timestamp: timestamp)
            signature = try privateKey.sign(signed)
        } catch {
            throw NoteError(.signingFailed, field: "signature", "Ed25519 cosigning by \(name) failed: \(error)")
        }
        let stamp = (0..<8).map { UInt8(truncatingIfNeeded: timestamp >> (56 - 8 * $0)) }
        return stamp + signature
    }
}

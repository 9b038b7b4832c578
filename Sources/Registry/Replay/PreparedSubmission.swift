import LedgerCrypto
import Log

/// What the audit's concurrent stage found about one entry, before the sequential walk reaches it
/// (`RegistryAuditor.preparer()`): the decoded submission and its digest, and — when the key the submission names
/// was already known when the chunk was started — whether the signature verifies with that key.
///
/// Nothing here is trusted on its own: `RegistryAuditor.visit(_:prepared:)` still asks the state which key must
/// have signed at that index, uses the early verdict only if it was reached with exactly that key (same
/// SubjectPublicKeyInfo), and decodes again if the genesis's USCC exceptions were not known yet.
public struct PreparedSubmission: Sendable {
    /// The decoded submission and the SHA-256 of its canonical bytes.
    struct Decoded: Sendable {
        let submission: Submission
        let digest: Hash256
    }

    /// The USCC exceptions the payload was decoded with.
    let exceptions: Set<String>
    /// The submission, or why the payload is not one.
    let decoded: Result<Decoded, RegistryError>
    /// The key the signature was checked with and the verdict; nil when the key was not known yet.
    private(set) var signature: (key: PublicKey, valid: Bool)?

    /// Decodes `entry`'s payload and checks its signature with the key of that ID in `keys`, if there is one.
    init(_ entry: LogEntry, exceptions: Set<String>, keys: [String: PublicKey]) {
        self.init(decoding: entry, exceptions: exceptions)
        checkSignature(keys: keys)
    }

    /// Decodes `entry`'s payload; the signature is not checked yet (`checkSignature(keys:)`).
    init(decoding entry: LogEntry, exceptions: Set<String>) {
        self.exceptions = exceptions
        signature = nil
        do throws(RegistryError) {
            let submission = try Registry.decode(entry, usccExceptions: exceptions)
            decoded = .success(Decoded(submission: submission,
                                       digest: HashAlgorithm.sha256.hash(submission.canonicalBytes)))
        } catch {
            decoded = .failure(error)
        }
    }

    /// Checks the signature of a decoded submission with the key of its ID in `keys`, if there is one.
    mutating func checkSignature(keys: [String: PublicKey]) {
        guard case .success(let decoded) = decoded else { return }
        let submission = decoded.submission
        signature = keys[submission.keyId.value].map { key in (key, submission.verifySignature(with: key)) }
    }
}

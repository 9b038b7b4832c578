import LedgerCrypto
import Log

/// What the audit's concurrent stage found about one entry, before the sequential walk reaches it
/// (`RegistryAuditor.chunkPreparer()`): the decoded submission and its digest, and — when the key the submission names
/// was already known when the chunk was started — whether the signature verifies with that key.
///
/// Nothing here is trusted on its own: `RegistryAuditor.visit(_:prepared:)` still asks the state which key must
/// have signed at that index, uses the early verdict only if it was reached with exactly that key (same
/// SubjectPublicKeyInfo), and decodes again if the genesis's USCC exceptions were not known yet.
///
/// A class, immutable once made: the verifier hands each one from the chunk task through its item arrays to the
/// walk, and a copy of a decoded submission (a struct of dozens of strings) cost a retain per field at every hop —
/// ≈ 2 µs per entry of the audit's CPU at a million entries; a reference costs one.
public final class PreparedSubmission: Sendable {
    /// The decoded submission and the SHA-256 of its canonical bytes (a reference, for the same reason).
    final class Decoded: Sendable {
        let submission: Submission
        let digest: Hash256

        init(submission: Submission, digest: Hash256) {
            self.submission = submission
            self.digest = digest
        }

        /// Decodes `entry`'s payload and hashes its canonical bytes with `sha256`, a SHA-256 context the caller
        /// reuses for a whole chunk (a context made per entry cost an allocation and an initialisation each).
        static func decode(_ entry: LogEntry, exceptions: Set<String>,
                           sha256: DigestContext) -> Result<Decoded, RegistryError> {
            do throws(RegistryError) {
                let submission = try Registry.decode(entry, usccExceptions: exceptions)
                sha256.update(submission.canonicalBytes)
                return .success(Decoded(submission: submission, digest: sha256.finalize()))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The USCC exceptions the payload was decoded with.
    let exceptions: Set<String>
    /// The submission, or why the payload is not one.
    let decoded: Result<Decoded, RegistryError>
    /// The key the signature was checked with and the verdict; nil when the key was not known yet.
    let signature: (key: PublicKey, valid: Bool)?

    /// A decoded payload and, when its key was known, the verdict on its signature.
    init(exceptions: Set<String>, decoded: Result<Decoded, RegistryError>, signature: (key: PublicKey, valid: Bool)?) {
        self.exceptions = exceptions
        self.decoded = decoded
        self.signature = signature
    }

    /// `Submission.verifySignature(with:)` taken apart: what it reads of the submission, read when the submission
    /// was just decoded, and the verification itself for later. The chunk preparer decodes a whole chunk before it
    /// verifies (`RegistryAuditor.chunkPreparer()`), and by then a chunk's submissions are out of the cache: a
    /// second visit to each for its key ID, signature and signing input cost ≈ 0.5 µs per entry of the audit's CPU.
    struct SignatureCheck {
        let key: PublicKey
        /// `key` is the key the submission names (`Submission.isKeyNamed`): no other key can have signed it.
        let isNamed: Bool
        let signature: [UInt8]
        let signingInput: [UInt8]

        /// The check of `decoded`'s signature with the key of its ID in `keys`; nil when the payload is not a
        /// submission or its key is not known (yet).
        init?(_ decoded: Result<Decoded, RegistryError>, keys: [String: PublicKey]) {
            guard case .success(let decoded) = decoded, let key = keys[decoded.submission.keyId.value] else {
                return nil
            }
            self.key = key
            isNamed = decoded.submission.isKeyNamed(key)
            signature = decoded.submission.signature
            signingInput = decoded.submission.signingInput
        }

        /// The key and what `Submission.verifySignature(with: key)` answers.
        func verdict() -> (key: PublicKey, valid: Bool) {
            (key, isNamed && key.isValidSignature(signature, for: signingInput))
        }
    }
}

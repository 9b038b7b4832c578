public import LedgerCrypto

/// A submission the Registry's pre-check passed (`Registry.precheck`): decoded and schema-checked, in canonical form
/// (`submission.canonicalBytes`, the entry's payload), its digest taken, its signature verified with the key of
/// `submission.department` that `submission.keyId` names. Only the pre-check makes one; the gate admits it as it is
/// (`Registry.admission(for:)`), without decoding, canonicalizing or hashing its bytes again.
public struct CheckedSubmission: Sendable, Equatable {
    /// The decoded submission: its record, signer (department and key ID), nonce and canonical bytes.
    public let submission: Submission
    /// SHA-256 of `submission.canonicalBytes`: how the state knows the submission under its nonce.
    public let digest: Hash256

    init(submission: Submission, digest: Hash256) {
        self.submission = submission
        self.digest = digest
    }
}

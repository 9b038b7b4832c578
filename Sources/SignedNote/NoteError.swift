/// The one error type of `SignedNote`: a stable machine code, where the input was wrong (line number and/or
/// field) and a human reason carrying the numbers.
///
/// A note that fails verification is reported here too: the codecs have no partial answers, and a caller that
/// wants "authentic / not authentic" maps `badSignature`, `noVerifiedSignature` and `wrongOrigin` to "not".
public struct NoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine codes; never renamed once shipped.
    public enum Code: String, Sendable, CaseIterable {
        /// The bytes are not a C2SP signed note (framing, UTF-8, control characters, signature line syntax).
        case malformedNote = "malformed_note"
        /// The note text is not a C2SP tlog-checkpoint body.
        case malformedCheckpoint = "malformed_checkpoint"
        /// The bytes are not a C2SP tlog-proof.
        case malformedProof = "malformed_proof"
        /// A key name breaks signed-note §Format (empty, a Unicode space, or `+`).
        case invalidKeyName = "invalid_key_name"
        /// A verifier or signer key string (or the key it carries) is malformed or its key ID does not match.
        case invalidKey = "invalid_key"
        /// More signature lines, proof hashes or bytes than this implementation accepts (see `Note.maxSignatures`).
        case tooLarge = "too_large"
        /// The key that had to sign (e.g. the log's, for a checkpoint) has no signature line in the note.
        case unknownKey = "unknown_key"
        /// A signature by a known key does not verify; signed-note §Signatures says reject the whole note.
        case badSignature = "bad_signature"
        /// No signature by any known key verifies.
        case noVerifiedSignature = "no_verified_signature"
        /// A known key (name and key ID) signed the note more than once.
        case duplicateSignature = "duplicate_signature"
        /// Two verifiers given for one (name, key ID): which one is meant cannot be decided.
        case ambiguousVerifier = "ambiguous_verifier"
        /// The checkpoint's origin is not the name of the key that is meant to sign it.
        case wrongOrigin = "wrong_origin"
        /// The underlying signature primitive failed (not a verification failure: the key could not sign).
        case signingFailed = "signing_failed"
    }

    public let code: Code
    /// 1-based line of the note or proof where the problem is, when there is one.
    public let line: Int?
    /// The offending field (`size`, `signature`, `verifierKey`, …), when there is one.
    public let field: String?
    public let reason: String

    public init(_ code: Code, line: Int? = nil, field: String? = nil, _ reason: String) {
        self.code = code
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var where_: [String] = []
        if let line { where_.append("line \(line)") }
        if let field { where_.append(field) }
        let location = where_.isEmpty ? "" : " (\(where_.joined(separator: ", ")))"
        return "\(code.rawValue)\(location): \(reason)"
    }
}

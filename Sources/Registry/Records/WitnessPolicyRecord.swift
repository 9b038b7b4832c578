public import SignedNote

/// The operator's witness policy (`witness.policy`, operator key): the witnesses whose cosignatures the ledger
/// collects, by label and cosignature verifier key, and how many must cosign a checkpoint. What a verifying
/// department trusts is its own policy file (DESIGN.md §9); this entry is the operator's public statement of the
/// same, so that a checker can see when its file and the log disagree. The policy changes only by a new entry,
/// which names the previous one in `policyPrev`: the policies form their own hash-linked chain in the log.
public struct WitnessPolicyRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.witnessPolicy]
    /// How many witnesses a policy may name.
    public static let witnessCount = 1...16
    /// A label's length: printable ASCII without spaces (it is one word of a policy file's `witness` line).
    public static let labelLength = 1...64

    /// One witness of the policy.
    public struct Member: Codable, Sendable, Hashable {
        /// What the policy calls it (a department, a neighbouring city): 1–64 printable ASCII characters, no space.
        public let label: String
        /// Its C2SP cosignature verifier key, `name+hexid+base64(0x04 ‖ key)`.
        public let verifierKey: String

        public init(label: String, verifierKey: String) {
            self.label = label
            self.verifierKey = verifierKey
        }
    }

    /// The index of the previous `witness.policy` entry; null for the ledger's first.
    @ExplicitNull public private(set) var policyPrev: UInt64?
    /// The witnesses, 1–16, labels and keys distinct.
    public let witnesses: [Member]
    /// How many distinct witnesses must cosign: 1 ≤ quorum ≤ the witnesses named.
    public let quorum: Int

    /// A policy; `validate` checks it.
    public init(policyPrev: UInt64?, witnesses: [Member], quorum: Int) {
        self.policyPrev = policyPrev
        self.witnesses = witnesses
        self.quorum = quorum
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        func field(_ name: String) -> String { FieldCheck.join(path, name) }
        try FieldCheck.count(witnesses.count, field("witnesses"), Self.witnessCount)
        try FieldCheck.unique(witnesses.map(\.label), field("witnesses")) { "label \($0)" }
        try FieldCheck.unique(witnesses.map(\.verifierKey), field("witnesses")) { "verifier key \($0)" }
        for (index, member) in witnesses.enumerated() {
            guard FieldCheck.ascii(member.label, Self.labelLength, { (0x21...0x7E).contains($0) }) else {
                throw RegistryError(.invalid, field: field("witnesses[\(index)].label"),
                                    "a label is 1–64 printable ASCII characters without spaces, found "
                                    + FieldCheck.quote(member.label))
            }
            do { _ = try Ed25519CosignatureVerifier(verifierKey: member.verifierKey) } catch {
                throw RegistryError(.invalid, field: field("witnesses[\(index)].verifierKey"),
                                    "not a cosignature verifier key (name+id+base64 of 0x04 and an Ed25519 key): "
                                    + error.reason)
            }
        }
        guard (1...witnesses.count).contains(quorum) else {
            throw RegistryError(.invalid, field: field("quorum"),
                                "quorum \(quorum) must be between 1 and the \(witnesses.count) witnesses named")
        }
    }

    /// The same policy as a checker's `WitnessPolicy` for the log key `logVerifier`.
    public func policy(logVerifier: Ed25519NoteVerifier) throws(NoteError) -> WitnessPolicy {
        try WitnessPolicy(logVerifier: logVerifier, witnesses: witnesses.map { member throws(NoteError) in
            WitnessPolicy.Member(label: member.label,
                                 verifier: try Ed25519CosignatureVerifier(verifierKey: member.verifierKey))
        }, quorum: quorum)
    }
}

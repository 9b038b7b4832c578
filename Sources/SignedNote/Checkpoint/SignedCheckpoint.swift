/// A C2SP tlog-checkpoint in its signed note: signed by the log's key, whose name is the origin (DESIGN.md §3 and
/// tlog-checkpoint §Signatures), possibly cosigned by witnesses (tlog-cosignature).
public struct SignedCheckpoint: Sendable, Hashable {
    /// The parsed checkpoint body.
    public let checkpoint: Checkpoint
    /// The note carrying it, every signature line kept.
    public let note: Note
    /// The lines whose keys were checked when this value was made: the signers' when signed, the verified
    /// ones when opened.
    public let verifiedSignatures: [NoteSignature]

    /// The serialized note, byte for byte as signed or received.
    public var bytes: [UInt8] { note.bytes }

    /// Signs `checkpoint` with the log key; the key's name must be the origin.
    public static func sign(_ checkpoint: Checkpoint, with signer: any NoteSigner) throws(NoteError)
        -> SignedCheckpoint
    {
        guard signer.name == checkpoint.origin else {
            throw NoteError(.wrongOrigin, field: "origin",
                            "key \(signer.name) cannot sign checkpoints of origin \(checkpoint.origin)")
        }
        let note = try Note.sign(text: checkpoint.text, signers: [signer])
        return SignedCheckpoint(checkpoint: checkpoint, note: note, verifiedSignatures: note.signatures)
    }

    /// Parses and verifies a signed checkpoint. The log's own signature must be present and valid (a witness
    /// cosignature alone does not make a checkpoint the log's); `witnesses` are verified too when they signed,
    /// and any other line is ignored but kept. The log verifier's name must equal the origin.
    public init(
        opening bytes: some Collection<UInt8>,
        logVerifier: any NoteVerifier,
        witnesses: [any NoteVerifier] = []
    ) throws(NoteError) {
        let note = try Note(parsing: bytes)
        let checkpoint = try Checkpoint(parsing: note.text)
        guard logVerifier.name == checkpoint.origin else {
            throw NoteError(.wrongOrigin, line: 1, field: "origin",
                            "checkpoint origin \(checkpoint.origin) is not the log key's name \(logVerifier.name)")
        }
        guard note.signatures.contains(where: { $0.isBy(name: logVerifier.name, keyID: logVerifier.keyID) }) else {
            throw NoteError(.unknownKey, field: "signature",
                            "no signature by the log key \(logVerifier.name)+\(NoteKeyID.hex(logVerifier.keyID))")
        }
        let verified = try note.open(verifiers: [logVerifier] + witnesses)
        self.init(checkpoint: checkpoint, note: note, verifiedSignatures: verified.verifiedSignatures)
    }

    /// The checkpoint with one more signature (a witness cosignature), all other lines kept.
    public func cosigned(by signer: any NoteSigner) throws(NoteError) -> SignedCheckpoint {
        let note = try note.adding(signer)
        let verified = verifiedSignatures.filter { !$0.isBy(name: signer.name, keyID: signer.keyID) }
        // `adding` appends the new line last.
        let added = note.signatures.last.map { [$0] } ?? []
        return SignedCheckpoint(checkpoint: checkpoint, note: note, verifiedSignatures: verified + added)
    }

    private init(checkpoint: Checkpoint, note: Note, verifiedSignatures: [NoteSignature]) {
        self.checkpoint = checkpoint
        self.note = note
        self.verifiedSignatures = verifiedSignatures
    }
}

public import SignedNote

/// A log the witness follows, as its state file holds it: the origin, the log's verifier keys (more than one while
/// a log rotates its key) and the last checkpoint the witness cosigned for it.
public struct WitnessedLog: Sendable {
    /// The log's origin line, which identifies it (tlog-witness: "uniquely identified by its origin line").
    public let origin: String
    /// The log's note verifiers (Ed25519, type 0x01), in the order they were added.
    public let verifiers: [Ed25519NoteVerifier]
    /// The last checkpoint cosigned for this log; nil until the first one.
    public let latest: CosignedCheckpoint?

    /// A log from its parts.
    public init(origin: String, verifiers: [Ed25519NoteVerifier], latest: CosignedCheckpoint?) {
        self.origin = origin
        self.verifiers = verifiers
        self.latest = latest
    }

    /// The size the witness vouches for: the latest cosigned checkpoint's, 0 before the first.
    public var size: UInt64 { latest?.checkpoint.size ?? 0 }
}

/// A checkpoint the witness cosigned: its body and the note as the witness keeps it — the log's verified
/// signatures followed by the witness's own cosignature (what tlog-witness §Monitor Retrieval serves).
public struct CosignedCheckpoint: Sendable, Equatable {
    /// The parsed checkpoint body.
    public let checkpoint: Checkpoint
    /// The kept note.
    public let note: Note

    /// Parses a kept note; the caller vouches that it was verified when it was cosigned.
    public init(note: Note) throws(NoteError) {
        self.checkpoint = try Checkpoint(parsing: note.text)
        self.note = note
    }
}

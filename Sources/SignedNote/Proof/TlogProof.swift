public import LedgerCrypto

/// An offline inclusion proof in the C2SP tlog-proof text format (`c2sp.org/tlog-proof@v1`, §Format):
///
///     c2sp.org/tlog-proof@v1
///     extra <base64>            (optional, unauthenticated)
///     index <decimal>
///     <base64 hash>             (zero or more: leaf's sibling first, up to the root's child)
///
///     <signed checkpoint note, verbatim>
///
/// This type only encodes and parses. It does not verify: the Merkle inclusion proof is checked by the `Log`
/// layer (RFC 9162 §2.1.3.2, against `checkpoint.rootHash` and `checkpoint.size`), and the checkpoint's
/// signatures by `SignedCheckpoint(opening: checkpointNote.bytes, logVerifier:witnesses:)`. Until both have
/// passed, nothing here may be trusted — `extra` never, since nothing signs it.
public struct TlogProof: Sendable, Hashable {
    /// The first line of every proof.
    public static let header = "c2sp.org/tlog-proof@v1"
    /// Most proof hashes accepted: a tree of up to 2^64 leaves needs at most 64.
    public static let maxProofHashes = 64

    /// Opaque application data (spec: "extra"); nil when the line is absent. Never empty when present.
    public let extra: [UInt8]?
    /// Zero-based index of the proven entry.
    public let index: UInt64
    /// Inclusion proof hashes, leaf's sibling first.
    public let inclusionProof: [Hash256]
    /// The signed checkpoint note, as included (not yet verified).
    public let checkpointNote: Note
    /// The checkpoint body parsed from `checkpointNote.text` (not yet verified).
    public let checkpoint: Checkpoint

    /// A proof from its parts; the checkpoint note must carry a checkpoint, `extra` must be nil or non-empty.
    public init(index: UInt64, inclusionProof: [Hash256], checkpointNote: Note, extra: [UInt8]? = nil)
        throws(NoteError)
    {
        guard extra?.isEmpty != true else {
            throw NoteError(.malformedProof, field: "extra", "extra data is empty: omit the line instead")
        }
        guard inclusionProof.count <= Self.maxProofHashes else {
            throw NoteError(.tooLarge, field: "inclusionProof",
                            "\(inclusionProof.count) proof hashes exceed the limit of \(Self.maxProofHashes)")
        }
        self.extra = extra
        self.index = index
        self.inclusionProof = inclusionProof
        self.checkpointNote = checkpointNote
        self.checkpoint = try Checkpoint(parsing: checkpointNote.text)
    }

    /// Parses a proof strictly; the checkpoint part is parsed as a note and a checkpoint but not verified.
    public init(parsing input: some Collection<UInt8>) throws(NoteError) {
        let limit = Note.maxBytes + 4096
        guard input.count <= limit else {
            throw NoteError(.tooLarge, "proof of \(input.count) bytes exceeds the limit of \(limit)")
        }
        let bytes = Array(input)
        var cursor = bytes.startIndex
        var lineNumber = 0
        // Reads the next newline-terminated line of the head; nil at end of input or without a newline.
        func nextLine() -> String? {
            guard let end = bytes[cursor...].firstIndex(of: 0x0A) else { return nil }
            let line = bytes[cursor..<end]
            cursor = end + 1
            lineNumber += 1
            // Invalid UTF-8 becomes U+FFFD, which no header, index or base64 line accepts.
            return String(decoding: line, as: UTF8.self)
        }
        guard nextLine() == Self.header else {
            throw NoteError(.malformedProof, line: 1, field: "header", "first line is not \(Self.header)")
        }
        guard var line = nextLine() else {
            throw NoteError(.malformedProof, line: 2, field: "index", "proof ends after the header")
        }
        var extra: [UInt8]?
        if line.hasPrefix("extra ") {
            guard let data = Base64.decode(line.dropFirst(6)), !data.isEmpty else {
                throw NoteError(.malformedProof, line: lineNumber, field: "extra",
                                "extra data is not canonical non-empty base64")
            }
            extra = data
            guard let next = nextLine() else {
                throw NoteError(.malformedProof, line: lineNumber + 1, field: "index", "proof ends after extra")
            }
            line = next
        }
        guard line.hasPrefix("index "), let index = StrictDecimal.parse(line.dropFirst(6)) else {
            throw NoteError(.malformedProof, line: lineNumber, field: "index",
                            "expected \"index <decimal without leading zeros>\", got \"\(line.prefix(40))\"")
        }
        var hashes: [Hash256] = []
        while true {
            guard let hashLine = nextLine() else {
                throw NoteError(.malformedProof, line: lineNumber + 1, field: "inclusionProof",
                                "no blank line before the checkpoint")
            }
            if hashLine.isEmpty { break }
            guard hashes.count < Self.maxProofHashes else {
                throw NoteError(.tooLarge, line: lineNumber, field: "inclusionProof",
                                "more than \(Self.maxProofHashes) proof hashes")
            }
            guard let decoded = Base64.decode(hashLine), let hash = Hash256(bytes: decoded) else {
                throw NoteError(.malformedProof, line: lineNumber, field: "inclusionProof",
                                "proof hash is not canonical base64 of 32 bytes")
            }
            hashes.append(hash)
        }
        let note: Note
        do {
            note = try Note(parsing: bytes[cursor...])
        } catch {
            // Report lines of the whole proof, not of the embedded note.
            throw NoteError(error.code == .tooLarge ? .tooLarge : .malformedProof,
                            line: error.line.map { $0 + lineNumber }, field: error.field ?? "checkpoint",
                            "checkpoint: \(error.reason)")
        }
        try self.init(index: index, inclusionProof: hashes, checkpointNote: note, extra: extra)
    }

    /// The proof text, bytes as `init(parsing:)` accepts them.
    public var bytes: [UInt8] {
        var head = Self.header + "\n"
        if let extra { head += "extra \(Base64.encode(extra))\n" }
        head += "index \(index)\n"
        for hash in inclusionProof { head += hash.base64 + "\n" }
        head += "\n"
        return Array(head.utf8) + checkpointNote.bytes
    }
}

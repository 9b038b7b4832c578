public import LedgerCrypto

/// A C2SP tlog-checkpoint note text (§Note text): the origin line, the tree size in decimal, the base64 RFC 6962
/// root hash, then optional non-empty extension lines, each ending in a newline.
///
/// Parsing is strict (no leading zero or sign in the size, canonical base64 of exactly 32 bytes, no empty
/// extension line) so that a checkpoint has one spelling and `text` reproduces the parsed bytes.
public struct Checkpoint: Sendable, Hashable {
    /// The log's identity; by DESIGN.md §3 also the name of the key that signs its checkpoints.
    public let origin: String
    /// The number of leaves in the tree.
    public let size: UInt64
    /// The Merkle tree head at `size` (RFC 6962 / RFC 9162 §2.1).
    public let rootHash: Hash256
    /// Opaque extension lines without their newlines; the spec does NOT RECOMMEND them, the ledger writes none.
    public let extensionLines: [String]

    /// A checkpoint from its parts; throws for an empty origin or extension line, or a newline or control
    /// character inside one (either would change the line structure that is signed).
    public init(origin: String, size: UInt64, rootHash: Hash256, extensionLines: [String] = []) throws(NoteError) {
        try Self.validateLine(origin, name: "origin", line: 1)
        for (i, line) in extensionLines.enumerated() {
            try Self.validateLine(line, name: "extension", line: 4 + i)
        }
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// Parses a checkpoint body (a note text), e.g. `VerifiedNote.text`.
    public init(parsing text: String) throws(NoteError) {
        guard text.utf8.last == 0x0A else {
            throw NoteError(.malformedCheckpoint, "checkpoint text does not end in a newline")
        }
        let lines = text.utf8.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard lines.count >= 3 else {
            throw NoteError(.malformedCheckpoint, line: lines.count + 1,
                            "checkpoint has \(lines.count) lines, needs origin, size and root hash")
        }
        guard let size = StrictDecimal.parse(lines[1]) else {
            throw NoteError(.malformedCheckpoint, line: 2, field: "size",
                            "tree size \"\(lines[1])\" is not a decimal without sign or leading zeros within 2^64")
        }
        guard let decoded = Base64.decode(lines[2]) else {
            throw NoteError(.malformedCheckpoint, line: 3, field: "rootHash", "root hash is not canonical base64")
        }
        guard let root = Hash256(bytes: decoded) else {
            throw NoteError(.malformedCheckpoint, line: 3, field: "rootHash",
                            "root hash is \(decoded.count) bytes, expected 32")
        }
        try self.init(origin: lines[0], size: size, rootHash: root, extensionLines: Array(lines[3...]))
    }

    /// The note text: every line newline-terminated.
    public var text: String {
        var out = "\(origin)\n\(size)\n\(rootHash.base64)\n"
        for line in extensionLines { out += line + "\n" }
        return out
    }

    private static func validateLine(_ value: String, name: String, line: Int) throws(NoteError) {
        guard !value.isEmpty else {
            throw NoteError(.malformedCheckpoint, line: line, field: name, "\(name) line is empty")
        }
        if let bad = value.unicodeScalars.first(where: { $0.value < 0x20 }) {
            throw NoteError(.malformedCheckpoint, line: line, field: name,
                            "\(name) line contains control character 0x\(Hex.encode([UInt8(bad.value)]))")
        }
    }
}

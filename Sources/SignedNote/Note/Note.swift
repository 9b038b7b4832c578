import LedgerCrypto

/// A C2SP signed note (signed-note §Format): a text ending in a newline, a blank line, then one or more
/// signature lines. The exact bytes are kept, and serializing gives them back unchanged.
///
/// Parsing checks syntax only; a note's text must be ignored until `open(verifiers:)` has verified it.
///
/// Bounds (signed-note asks verifiers to cap notes and to accept at least 16 signatures): at most
/// `maxSignatures` (64) signature lines and `maxBytes` (1 MiB) in all, which leaves room for 64 post-quantum
/// signatures of about 5 kB each beside a large text. Anything larger is refused with `.tooLarge`.
public struct Note: Sendable, Hashable {
    /// Most signature lines accepted in one note.
    public static let maxSignatures = 64
    /// Most bytes accepted in one serialized note.
    public static let maxBytes = 1 << 20

    /// The note text, final newline included, separating blank line excluded: the signed message.
    public let text: String
    /// The signature lines in note order, unknown and unverified ones included.
    public let signatures: [NoteSignature]
    /// The serialized note: text, a blank line, then every signature line.
    public let bytes: [UInt8]

    /// The signed message as bytes (the UTF-8 of `text`).
    public var textBytes: [UInt8] { Array(text.utf8) }

    /// Assembles a note from a text and signature lines, checking the text and the bounds.
    public init(text: String, signatures: [NoteSignature]) throws(NoteError) {
        try Self.validateText(Array(text.utf8))
        guard !signatures.isEmpty else {
            throw NoteError(.malformedNote, field: "signatures", "a signed note needs at least one signature line")
        }
        guard signatures.count <= Self.maxSignatures else {
            throw NoteError(.tooLarge, field: "signatures",
                            "\(signatures.count) signature lines exceed the limit of \(Self.maxSignatures)")
        }
        var bytes = Array(text.utf8)
        bytes.append(0x0A)
        for signature in signatures { bytes += Array(signature.line.utf8) }
        guard bytes.count <= Self.maxBytes else {
            throw NoteError(.tooLarge, "note of \(bytes.count) bytes exceeds the limit of \(Self.maxBytes)")
        }
        self.text = text
        self.signatures = signatures
        self.bytes = bytes
    }

    /// Parses a serialized note strictly: valid UTF-8, no control character but newline, a final newline,
    /// the text separated from the signatures by the last blank line, and well-formed signature lines.
    public init(parsing input: some Collection<UInt8>) throws(NoteError) {
        guard input.count <= Self.maxBytes else {
            throw NoteError(.tooLarge, "note of \(input.count) bytes exceeds the limit of \(Self.maxBytes)")
        }
        let bytes = Array(input)
        try Self.validateCharacters(bytes)
        guard bytes.last == 0x0A else {
            throw NoteError(.malformedNote, line: Self.lineCount(bytes[...]) + 1, "note does not end in a newline")
        }
        // signed-note §Format: the text is separated from the signatures by the *last* empty line.
        guard let split = Self.lastBlankLine(bytes) else {
            throw NoteError(.malformedNote, "no blank line separates the text from the signatures")
        }
        let textBytes = bytes[..<(split + 1)]
        let signatureBlock = bytes[(split + 2)...]
        guard !signatureBlock.isEmpty else {
            throw NoteError(.malformedNote, line: Self.lineCount(bytes[...]) + 1, "note has no signature lines")
        }
        let lineCount = signatureBlock.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard lineCount <= Self.maxSignatures else {
            throw NoteError(.tooLarge, field: "signatures",
                            "\(lineCount) signature lines exceed the limit of \(Self.maxSignatures)")
        }
        var lineNumber = Self.lineCount(textBytes) + 2
        var signatures: [NoteSignature] = []
        signatures.reserveCapacity(lineCount)
        var start = signatureBlock.startIndex
        while start < signatureBlock.endIndex {
            // The block ends in a newline, so every line has one.
            let end = signatureBlock[start...].firstIndex(of: 0x0A) ?? signatureBlock.endIndex
            signatures.append(try NoteSignature(parsingLine: signatureBlock[start..<end], lineNumber: lineNumber))
            start = end + 1
            lineNumber += 1
        }
        self.text = String(decoding: textBytes, as: UTF8.self)
        self.signatures = signatures
        self.bytes = bytes
    }

    /// Signs `text` with each signer in turn (C2SP signed-note §Signatures).
    public static func sign(text: String, signers: [any NoteSigner]) throws(NoteError) -> Note {
        try validateText(Array(text.utf8))
        let message = Array(text.utf8)
        var lines: [NoteSignature] = []
        for signer in signers {
            lines.removeAll { $0.isBy(name: signer.name, keyID: signer.keyID) }
            lines.append(try NoteSignature(name: signer.name, keyID: signer.keyID, signature: signer.sign(message)))
        }
        return try Note(text: text, signatures: lines)
    }

    /// The note with one more signature (a cosignature): the existing lines are kept in order and the new one is
    /// appended. A line by the same key (name and key ID) is replaced, since a key signs a note only once.
    public func adding(_ signer: any NoteSigner) throws(NoteError) -> Note {
        let line = try NoteSignature(name: signer.name, keyID: signer.keyID, signature: signer.sign(textBytes))
        let kept = signatures.filter { !$0.isBy(name: signer.name, keyID: signer.keyID) }
        return try Note(text: text, signatures: kept + [line])
    }

    /// Checks that a text can be signed: it ends in a newline and obeys the character rules of §Format.
    static func validateText(_ bytes: [UInt8]) throws(NoteError) {
        try validateCharacters(bytes)
        guard bytes.last == 0x0A else {
            throw NoteError(.malformedNote, line: lineCount(bytes[...]) + 1, field: "text",
                            "note text does not end in a newline")
        }
    }

    /// signed-note §Format: valid UTF-8 and no ASCII control character other than newline.
    static func validateCharacters(_ bytes: [UInt8]) throws(NoteError) {
        var line = 1
        for (offset, byte) in bytes.enumerated() {
            if byte == 0x0A {
                line += 1
            } else if byte < 0x20 {
                throw NoteError(.malformedNote, line: line,
                                "control character 0x\(Hex.encode([byte])) at byte \(offset)")
            }
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw NoteError(.malformedNote, "note is not valid UTF-8")
        }
    }

    /// The index of the first newline of the last "\n\n" pair.
    private static func lastBlankLine(_ bytes: [UInt8]) -> Int? {
        var i = bytes.count - 2
        while i >= 0 {
            if bytes[i] == 0x0A && bytes[i + 1] == 0x0A { return i }
            i -= 1
        }
        return nil
    }

    private static func lineCount(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}

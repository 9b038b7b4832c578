import LedgerCrypto
import SignedNote
import Testing

/// C2SP signed-note §Format: strict parsing and byte-identical serialization.
@Suite struct NoteParsingTests {
    /// A well-formed note from a fixed key, mutated by the rejection tests below.
    static func sample() throws -> String {
        let signer = try fixedSigner("example.com/log", seedByte: 7)
        return String(decoding: try Note.sign(text: "hello\nworld\n", signers: [signer]).bytes, as: UTF8.self)
    }

    @Test func specVector_parsesIntoTextAndOneSignature_andSerializesByteIdentically() throws {
        let vector = try SignedNoteVector()
        let note = try Note(parsing: utf8(vector.note))
        #expect(note.text == "This is an example message.\n")
        #expect(note.signatures.count == 1)
        #expect(note.signatures[0].name == "example.com/foo")
        #expect(note.signatures[0].keyID == 0x530d_903a)
        #expect(note.signatures[0].signature.count == 64)
        #expect(note.bytes == utf8(vector.note))
        // Rebuilding from the parsed parts gives the same bytes too.
        #expect(try Note(text: note.text, signatures: note.signatures).bytes == utf8(vector.note))
    }

    @Test func textWithBlankLines_isSeparatedAtTheLastBlankLine() throws {
        let signer = try fixedSigner("n", seedByte: 1)
        let text = "a\n\nb\n\n"
        let note = try Note.sign(text: text, signers: [signer])
        let parsed = try Note(parsing: note.bytes)
        #expect(parsed.text == text)
        #expect(parsed.signatures == note.signatures)
        #expect(parsed.bytes == note.bytes)
    }

    @Test func unicodeText_andUnicodeKeyName_roundTrip() throws {
        let signer = try fixedSigner("市场监管局/账本", seedByte: 2)
        let note = try Note.sign(text: "电子营业执照\n", signers: [signer])
        let parsed = try Note(parsing: note.bytes)
        #expect(parsed.text == "电子营业执照\n")
        #expect(parsed.signatures[0].name == "市场监管局/账本")
        #expect(try parsed.open(verifiers: [signer.verifier]).text == "电子营业执照\n")
    }

    @Test func missingFinalNewline_isRejected() throws {
        let note = try Self.sample()
        expectNoteError(.malformedNote) { _ = try Note(parsing: utf8(String(note.dropLast()))) }
    }

    @Test func missingBlankLine_isRejected() throws {
        let note = try Self.sample().replacingOccurrences(of: "\n\n", with: "\n")
        expectNoteError(.malformedNote) { _ = try Note(parsing: utf8(note)) }
    }

    @Test func noSignatureLines_isRejected() {
        expectNoteError(.malformedNote) { _ = try Note(parsing: utf8("text\n\n")) }
        expectNoteError(.malformedNote) { _ = try Note(parsing: utf8("")) }
    }

    @Test func hyphenOrEnDashInsteadOfEmDash_isRejectedWithItsLineNumber() throws {
        let note = try Self.sample()
        for dash in ["-", "–", "—\u{00A0}"] {
            let bad = note.replacingOccurrences(of: "— ", with: dash + (dash.count == 1 ? " " : ""))
            expectNoteError(.malformedNote, line: 4) { _ = try Note(parsing: utf8(bad)) }
        }
    }

    @Test func badBase64InSignature_isRejected() throws {
        let note = try Self.sample()
        let lastChar = note.index(note.endIndex, offsetBy: -3)  // last base64 symbol before "=\n"
        let cases = [
            note.replacingCharacters(in: lastChar...lastChar, with: "!"),  // not in the alphabet
            note.replacingOccurrences(of: "=\n", with: "\n"),  // unpadded
            note.replacingOccurrences(of: "=\n", with: "==\n"),  // over-padded
        ]
        for bad in cases {
            expectNoteError(.malformedNote, line: 4) { _ = try Note(parsing: utf8(bad)) }
        }
    }

    @Test func signatureShorterThanKeyIDPlusOneByte_isRejected() {
        let short = "t\n\n— name \(Base64.encode([1, 2, 3, 4]))\n"
        expectNoteError(.malformedNote, line: 3) { _ = try Note(parsing: utf8(short)) }
    }

    @Test func invalidKeyNames_areRejected() {
        let payload = Base64.encode([UInt8](repeating: 9, count: 68))
        for name in ["", "a+b", "a\u{00A0}b", "a\u{3000}b"] {
            let bad = "t\n\n— \(name) \(payload)\n"
            let error = #expect(throws: NoteError.self) { _ = try Note(parsing: utf8(bad)) }
            #expect(error?.code == .invalidKeyName, "\(name): \(String(describing: error))")
        }
        expectNoteError(.invalidKeyName) { _ = try NoteSignature(name: "a+b", keyID: 1, signature: [1]) }
        expectNoteError(.invalidKeyName) { _ = try fixedSigner("has space", seedByte: 1) }
    }

    @Test func controlCharacters_areRejectedWithTheirLine() throws {
        let note = try Self.sample()
        expectNoteError(.malformedNote, line: 2) {
            _ = try Note(parsing: utf8(note.replacingOccurrences(of: "world", with: "wor\tld")))
        }
        expectNoteError(.malformedNote, line: 1) {
            _ = try Note(parsing: utf8(note.replacingOccurrences(of: "hello\n", with: "hello\r\n")))
        }
        expectNoteError(.malformedNote) { _ = try Note.sign(text: "a\u{0}b\n", signers: []) }
    }

    @Test func invalidUTF8_isRejected() throws {
        var bytes = utf8(try Self.sample())
        bytes[1] = 0xFF
        expectNoteError(.malformedNote) { _ = try Note(parsing: bytes) }
    }

    @Test func textWithoutFinalNewline_cannotBeSigned() throws {
        let signer = try fixedSigner("n", seedByte: 1)
        expectNoteError(.malformedNote) { _ = try Note.sign(text: "no newline", signers: [signer]) }
    }

    @Test func sixteenSignatures_areAccepted_andTheLimitIsExact() throws {
        let base = try fixedSigner("n0", seedByte: 1)
        let text = "sixteen\n"
        let lines = try (0..<Note.maxSignatures).map { i in
            try NoteSignature(name: "w\(i)", keyID: UInt32(i), signature: [UInt8](repeating: UInt8(i), count: 64))
        }
        let sixteen = try Note(text: text, signatures: Array(lines.prefix(15))).adding(base)
        #expect(try Note(parsing: sixteen.bytes).signatures.count == 16)
        #expect(try sixteen.open(verifiers: [base.verifier]).unverifiedSignatures.count == 15)

        let atLimit = try Note(text: text, signatures: lines)
        #expect(try Note(parsing: atLimit.bytes).signatures.count == Note.maxSignatures)
    }

    @Test func moreThanMaxSignatures_isRejected_whenParsedOrBuilt() throws {
        let lines = try (0...Note.maxSignatures).map { i in
            try NoteSignature(name: "w\(i)", keyID: UInt32(i), signature: [1, 2, 3])
        }
        expectNoteError(.tooLarge) { _ = try Note(text: "t\n", signatures: lines) }
        let serialized = "t\n\n" + lines.map(\.line).joined()
        expectNoteError(.tooLarge) { _ = try Note(parsing: utf8(serialized)) }
        let full = try Note(text: "t\n", signatures: Array(lines.prefix(Note.maxSignatures)))
        expectNoteError(.tooLarge) { _ = try full.adding(try fixedSigner("extra", seedByte: 3)) }
    }

    @Test func noteLargerThanMaxBytes_isRejectedBeforeParsing() {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: Note.maxBytes) + utf8("\n\n— n AAAAAAA=\n")
        expectNoteError(.tooLarge) { _ = try Note(parsing: big) }
    }
}

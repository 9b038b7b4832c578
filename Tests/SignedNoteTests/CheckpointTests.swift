import LedgerCrypto
import SignedNote
import Testing

/// C2SP tlog-checkpoint §Note text and §Signatures.
@Suite struct CheckpointTests {
    /// The body of the tlog-checkpoint spec's example.
    static let specText = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"

    @Test func specExample_parsesAndSerializesIdentically() throws {
        let checkpoint = try Checkpoint(parsing: Self.specText)
        #expect(checkpoint.origin == "example.com/behind-the-sofa")
        #expect(checkpoint.size == 20_852_163)
        #expect(checkpoint.rootHash.base64 == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
        #expect(checkpoint.extensionLines.isEmpty)
        #expect(checkpoint.text == Self.specText)
    }

    @Test func extensionLines_andExtremeSizes_roundTrip() throws {
        for size: UInt64 in [0, 1, UInt64.max] {
            let text = "o\n\(size)\n\(Hash256.zero.base64)\next one\next two\n"
            let checkpoint = try Checkpoint(parsing: text)
            #expect(checkpoint.size == size)
            #expect(checkpoint.extensionLines == ["ext one", "ext two"])
            #expect(checkpoint.text == text)
        }
    }

    @Test func malformedBodies_areRejectedWithTheField() {
        let root = Hash256.zero.base64
        let cases: [(String, Int?, String?)] = [
            ("o\n1\n\(root)", nil, nil),  // no final newline
            ("o\n1\n", 3, nil),  // no root line
            ("\n1\n\(root)\n", 1, "origin"),  // empty origin
            ("o\n01\n\(root)\n", 2, "size"),  // leading zero
            ("o\n00\n\(root)\n", 2, "size"),
            ("o\n+1\n\(root)\n", 2, "size"),  // sign
            ("o\n-1\n\(root)\n", 2, "size"),
            ("o\n\n\(root)\n", 2, "size"),  // empty size
            ("o\n1 \n\(root)\n", 2, "size"),  // trailing space
            ("o\n18446744073709551616\n\(root)\n", 2, "size"),  // 2^64
            ("o\n1\n\(Base64.encode([UInt8](repeating: 1, count: 31)))\n", 3, "rootHash"),  // 31 bytes
            ("o\n1\n\(Base64.encode([UInt8](repeating: 1, count: 33)))\n", 3, "rootHash"),  // 33 bytes
            ("o\n1\n\(root.dropLast())\n", 3, "rootHash"),  // unpadded
            ("o\n1\n\(root)\n\next\n", 4, "extension"),  // empty extension line
            ("o\n1\n\(root)\n\n", 4, "extension"),
            ("o\r\n1\n\(root)\n", 1, "origin"),  // control character
        ]
        for (text, line, field) in cases {
            let error = #expect(throws: NoteError.self, "\(text.debugDescription)") {
                _ = try Checkpoint(parsing: text)
            }
            #expect(error?.code == .malformedCheckpoint, "\(text.debugDescription): \(String(describing: error))")
            if let line { #expect(error?.line == line, "\(text.debugDescription): \(String(describing: error))") }
            if let field { #expect(error?.field == field, "\(text.debugDescription): \(String(describing: error))") }
        }
    }

    @Test func signedCheckpoint_signSerializeOpen_roundTrips() throws {
        let log = try fixedSigner("ledger.example/log", seedByte: 1)
        let checkpoint = try Checkpoint(origin: "ledger.example/log", size: 42,
                                        rootHash: HashAlgorithm.sha256.hash(utf8("root")))
        let signed = try SignedCheckpoint.sign(checkpoint, with: log)
        #expect(signed.note.text == checkpoint.text)
        #expect(signed.note.signatures.map(\.name) == ["ledger.example/log"])
        let opened = try SignedCheckpoint(opening: signed.bytes, logVerifier: log.verifier)
        #expect(opened.checkpoint == checkpoint)
        #expect(opened.bytes == signed.bytes)
    }

    @Test func signing_withKeyNotNamedAfterOrigin_isRefused() throws {
        let log = try fixedSigner("other.example/log", seedByte: 1)
        let checkpoint = try Checkpoint(origin: "ledger.example/log", size: 1, rootHash: .zero)
        expectNoteError(.wrongOrigin) { _ = try SignedCheckpoint.sign(checkpoint, with: log) }
    }

    @Test func opening_withVerifierNotNamedAfterOrigin_isRefused() throws {
        // A note validly signed by "impostor" whose text claims another origin.
        let impostor = try fixedSigner("impostor.example", seedByte: 2)
        let body = try Checkpoint(origin: "ledger.example/log", size: 1, rootHash: .zero).text
        let note = try Note.sign(text: body, signers: [impostor])
        expectNoteError(.wrongOrigin, line: 1) {
            _ = try SignedCheckpoint(opening: note.bytes, logVerifier: impostor.verifier)
        }
    }

    @Test func opening_withOnlyAWitnessSignature_isRefused() throws {
        let log = try fixedSigner("ledger.example/log", seedByte: 1)
        let witness = try fixedCosigner("witness.example", seedByte: 2)
        let body = try Checkpoint(origin: "ledger.example/log", size: 1, rootHash: .zero).text
        let onlyWitness = try Note.sign(text: body, signers: [witness])
        expectNoteError(.unknownKey) {
            _ = try SignedCheckpoint(opening: onlyWitness.bytes, logVerifier: log.verifier,
                                     witnesses: [witness.verifier])
        }
    }

    @Test func opening_tamperedCheckpoint_failsWithBadSignature() throws {
        let log = try fixedSigner("ledger.example/log", seedByte: 1)
        let signed = try SignedCheckpoint.sign(
            Checkpoint(origin: "ledger.example/log", size: 7, rootHash: .zero), with: log)
        let tampered = String(decoding: signed.bytes, as: UTF8.self).replacingOccurrences(of: "\n7\n", with: "\n8\n")
        expectNoteError(.badSignature, line: 5) {
            _ = try SignedCheckpoint(opening: utf8(tampered), logVerifier: log.verifier)
        }
    }

    @Test func opening_noteWhoseTextIsNotACheckpoint_isRejected() throws {
        let log = try fixedSigner("ledger.example/log", seedByte: 1)
        let note = try Note.sign(text: "ledger.example/log\nnot a size\nroot\n", signers: [log])
        expectNoteError(.malformedCheckpoint, line: 2) {
            _ = try SignedCheckpoint(opening: note.bytes, logVerifier: log.verifier)
        }
    }
}

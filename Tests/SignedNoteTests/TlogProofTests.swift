import LedgerCrypto
import SignedNote
import Testing

/// C2SP tlog-proof §Format (`c2sp.org/tlog-proof@v1`): encoding and strict parsing.
@Suite struct TlogProofTests {
    static func signedCheckpoint() throws -> (SignedCheckpoint, Ed25519NoteSigner) {
        let log = try fixedSigner("ledger.example/log", seedByte: 1)
        let checkpoint = try Checkpoint(origin: "ledger.example/log", size: 109_482,
                                        rootHash: HashAlgorithm.sha256.hash(utf8("root")))
        let witness = try fixedCosigner("witness.example", seedByte: 2)
        return (try SignedCheckpoint.sign(checkpoint, with: log).cosigned(by: witness), log)
    }

    static let hashes = (0..<5).map { HashAlgorithm.sha256.hash([UInt8($0)]) }

    @Test func proofWithExtra_encodesInSpecLayout_andParsesBack() throws {
        let (signed, log) = try Self.signedCheckpoint()
        let proof = try TlogProof(index: 73_894, inclusionProof: Self.hashes, checkpointNote: signed.note,
                                  extra: utf8("age-v1.2.1-darwin-arm64.tar.gz"))
        let text = String(decoding: proof.bytes, as: UTF8.self)
        let expectedHead = "c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6\nindex 73894\n"
            + Self.hashes.map { $0.base64 + "\n" }.joined() + "\n"
        #expect(text == expectedHead + String(decoding: signed.bytes, as: UTF8.self))

        let parsed = try TlogProof(parsing: proof.bytes)
        #expect(parsed == proof)
        #expect(parsed.index == 73_894)
        #expect(parsed.inclusionProof == Self.hashes)
        #expect(parsed.extra == utf8("age-v1.2.1-darwin-arm64.tar.gz"))
        #expect(parsed.checkpoint.size == 109_482)
        #expect(parsed.bytes == proof.bytes)
        // The embedded checkpoint is the signed bytes verbatim, and opens with the log key.
        let opened = try SignedCheckpoint(opening: parsed.checkpointNote.bytes, logVerifier: log.verifier)
        #expect(opened.checkpoint == signed.checkpoint)
    }

    @Test func proofWithoutExtra_andWithNoHashes_roundTrips() throws {
        let (signed, _) = try Self.signedCheckpoint()
        let proof = try TlogProof(index: 0, inclusionProof: [], checkpointNote: signed.note)
        let text = String(decoding: proof.bytes, as: UTF8.self)
        #expect(text.hasPrefix("c2sp.org/tlog-proof@v1\nindex 0\n\nledger.example/log\n"))
        let parsed = try TlogProof(parsing: proof.bytes)
        #expect(parsed.extra == nil)
        #expect(parsed.inclusionProof.isEmpty)
        #expect(parsed.bytes == proof.bytes)
    }

    @Test func malformedProofs_areRejectedWithTheirLine() throws {
        let (signed, _) = try Self.signedCheckpoint()
        let note = String(decoding: signed.bytes, as: UTF8.self)
        let h = Self.hashes[0].base64
        let cases: [(String, NoteError.Code, Int?)] = [
            ("c2sp.org/tlog-proof@v2\nindex 1\n\n" + note, .malformedProof, 1),
            ("index 1\n\n" + note, .malformedProof, 1),
            ("c2sp.org/tlog-proof@v1\nindex 01\n\n" + note, .malformedProof, 2),  // leading zero
            ("c2sp.org/tlog-proof@v1\nindex -1\n\n" + note, .malformedProof, 2),
            ("c2sp.org/tlog-proof@v1\nindex  1\n\n" + note, .malformedProof, 2),  // two spaces
            ("c2sp.org/tlog-proof@v1\nIndex 1\n\n" + note, .malformedProof, 2),
            ("c2sp.org/tlog-proof@v1\nextra \nindex 1\n\n" + note, .malformedProof, 2),  // empty extra
            ("c2sp.org/tlog-proof@v1\nextra YQ\nindex 1\n\n" + note, .malformedProof, 2),  // unpadded
            ("c2sp.org/tlog-proof@v1\nindex 1\nextra YQ==\n\n" + note, .malformedProof, 3),  // extra after index
            ("c2sp.org/tlog-proof@v1\nindex 1\n\(h.dropLast())\n\n" + note, .malformedProof, 3),
            ("c2sp.org/tlog-proof@v1\nindex 1\n\(Base64.encode([UInt8](repeating: 0, count: 31)))\n\n" + note,
             .malformedProof, 3),
            ("c2sp.org/tlog-proof@v1\nindex 1\n\(h)\n", .malformedProof, 4),  // no blank line, no checkpoint
            ("c2sp.org/tlog-proof@v1\nindex 1\n\n", .malformedProof, nil),  // no checkpoint
            ("c2sp.org/tlog-proof@v1\nindex 1\n\nnot a note\n", .malformedProof, nil),
        ]
        for (text, code, line) in cases {
            let error = #expect(throws: NoteError.self, "\(text.prefix(60).debugDescription)") {
                _ = try TlogProof(parsing: utf8(text))
            }
            #expect(error?.code == code, "\(text.prefix(60).debugDescription): \(String(describing: error))")
            if let line {
                #expect(error?.line == line, "\(text.prefix(60).debugDescription): \(String(describing: error))")
            }
        }
    }

    @Test func checkpointPartThatIsNotACheckpoint_isRejected() throws {
        let log = try fixedSigner("ledger.example/log", seedByte: 1)
        let note = try Note.sign(text: "just text\n", signers: [log])
        let text = "c2sp.org/tlog-proof@v1\nindex 1\n\n" + String(decoding: note.bytes, as: UTF8.self)
        expectNoteError(.malformedCheckpoint) { _ = try TlogProof(parsing: utf8(text)) }
    }

    @Test func tooManyProofHashes_isRejected() throws {
        let (signed, _) = try Self.signedCheckpoint()
        let many = [Hash256](repeating: .zero, count: TlogProof.maxProofHashes + 1)
        expectNoteError(.tooLarge) { _ = try TlogProof(index: 1, inclusionProof: many, checkpointNote: signed.note) }
        let text = "c2sp.org/tlog-proof@v1\nindex 1\n" + many.map { $0.base64 + "\n" }.joined() + "\n"
            + String(decoding: signed.bytes, as: UTF8.self)
        expectNoteError(.tooLarge) { _ = try TlogProof(parsing: utf8(text)) }
        // Exactly the limit is fine.
        let atLimit = try TlogProof(index: 1, inclusionProof: Array(many.dropLast()), checkpointNote: signed.note)
        #expect(try TlogProof(parsing: atLimit.bytes).inclusionProof.count == TlogProof.maxProofHashes)
    }

    @Test func emptyExtra_cannotBeBuilt() throws {
        let (signed, _) = try Self.signedCheckpoint()
        expectNoteError(.malformedProof) {
            _ = try TlogProof(index: 1, inclusionProof: [], checkpointNote: signed.note, extra: [])
        }
    }
}

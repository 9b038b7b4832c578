import LedgerCrypto
import SignedNote
import Testing

/// C2SP signed-note §Signatures: what `Note.open(verifiers:)` accepts, ignores and rejects.
@Suite struct NoteVerificationTests {
    @Test func specVector_verifiesWithItsVerifierKey() throws {
        let vector = try SignedNoteVector()
        let verifier = try Ed25519NoteVerifier(verifierKey: vector.vkey)
        let opened = try Note.open(utf8(vector.note), verifiers: [verifier])
        #expect(opened.text == "This is an example message.\n")
        #expect(opened.verifiedSignatures.count == 1)
        #expect(opened.unverifiedSignatures.isEmpty)
    }

    @Test func specVector_anyChangedByteOfTextOrSignature_failsVerification() throws {
        let vector = try SignedNoteVector()
        let verifier = try Ed25519NoteVerifier(verifierKey: vector.vkey)
        let original = try Note(parsing: utf8(vector.note))
        // Every byte of the text (changed to another valid character).
        for i in 0..<(original.textBytes.count - 1) {
            var text = original.textBytes
            text[i] = text[i] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            let forged = try Note(text: String(decoding: text, as: UTF8.self), signatures: original.signatures)
            expectNoteError(.badSignature, line: 3) { _ = try forged.open(verifiers: [verifier]) }
        }
        // Every bit position of the signature proper: a flipped byte must never verify.
        let line = original.signatures[0]
        for i in 0..<line.signature.count {
            var signature = line.signature
            signature[i] ^= 0x01
            let forged = try Note(text: original.text, signatures: [
                NoteSignature(name: line.name, keyID: line.keyID, signature: signature),
            ])
            expectNoteError(.badSignature, line: 3) { _ = try forged.open(verifiers: [verifier]) }
        }
    }

    @Test func specVector_changedKeyID_makesTheKeyUnknown_soNoSignatureVerifies() throws {
        let vector = try SignedNoteVector()
        let verifier = try Ed25519NoteVerifier(verifierKey: vector.vkey)
        let line = try Note(parsing: utf8(vector.note)).signatures[0]
        let moved = try Note(text: "This is an example message.\n", signatures: [
            NoteSignature(name: line.name, keyID: line.keyID ^ 1, signature: line.signature),
        ])
        expectNoteError(.noVerifiedSignature) { _ = try moved.open(verifiers: [verifier]) }
    }

    @Test func goExample_signingReproducesThePublishedNoteByteForByte() throws {
        let signer = try Ed25519NoteSigner(signerKey: GoNoteExample.signerKey)
        let note = try Note.sign(text: GoNoteExample.text, signers: [signer])
        #expect(note.bytes == utf8(GoNoteExample.note))
        let verifier = try Ed25519NoteVerifier(verifierKey: GoNoteExample.verifierKey)
        #expect(try Note.open(utf8(GoNoteExample.note), verifiers: [verifier]).text == GoNoteExample.text)
    }

    @Test func signSerializeParseVerify_roundTrips() throws {
        let signer = try Ed25519NoteSigner.generate(name: "ledger.example/checkpoints")
        let note = try Note.sign(text: "entry 42\n", signers: [signer])
        let parsed = try Note(parsing: note.bytes)
        #expect(parsed == note)
        let opened = try parsed.open(verifiers: [signer.verifier])
        #expect(opened.verifiedSignatures == note.signatures)
    }

    @Test func unknownKeySignatures_areIgnoredButPreserved() throws {
        let known = try fixedSigner("known.example", seedByte: 1)
        let stranger = try fixedSigner("stranger.example", seedByte: 2)
        // Same name as the known key but another key ID, and same key ID under another name: both unknown.
        let sameName = NoteSignature.self
        let garbage = try sameName.init(name: "known.example", keyID: known.keyID ^ 0xFFFF, signature: [0, 1, 2])
        let sameID = try sameName.init(name: "other.example", keyID: known.keyID, signature: [3, 4, 5])
        let note = try Note.sign(text: "t\n", signers: [stranger])
        let mixed = try Note(text: "t\n", signatures: [garbage] + note.signatures + [sameID]).adding(known)
        let reparsed = try Note(parsing: mixed.bytes)
        let opened = try reparsed.open(verifiers: [known.verifier])
        #expect(opened.verifiedSignatures.map(\.name) == ["known.example"])
        #expect(opened.unverifiedSignatures == [garbage, note.signatures[0], sameID])
        #expect(opened.note.bytes == mixed.bytes)
    }

    @Test func knownKeyWhoseSignatureFails_rejectsTheNote_evenIfAnotherKnownKeyVerifies() throws {
        let good = try fixedSigner("good.example", seedByte: 1)
        let bad = try fixedSigner("bad.example", seedByte: 2)
        let note = try Note.sign(text: "t\n", signers: [good, bad])
        let badLine = note.signatures[1]
        var corrupted = badLine.signature
        corrupted[10] ^= 0x80
        let forged = try Note(text: note.text, signatures: [
            note.signatures[0], NoteSignature(name: badLine.name, keyID: badLine.keyID, signature: corrupted),
        ])
        expectNoteError(.badSignature, line: 4) { _ = try forged.open(verifiers: [good.verifier, bad.verifier]) }
        // With only the good key known, the corrupted line is an unknown one and is ignored.
        #expect(try forged.open(verifiers: [good.verifier]).verifiedSignatures.count == 1)
    }

    @Test func noKnownSignature_isRejected() throws {
        let signer = try fixedSigner("a.example", seedByte: 1)
        let other = try fixedSigner("b.example", seedByte: 2)
        let note = try Note.sign(text: "t\n", signers: [signer])
        expectNoteError(.noVerifiedSignature) { _ = try note.open(verifiers: [other.verifier]) }
        expectNoteError(.noVerifiedSignature) { _ = try note.open(verifiers: []) }
    }

    @Test func knownKeySigningTwice_isRejected_evenWhenBothLinesVerify() throws {
        let signer = try fixedSigner("a.example", seedByte: 1)
        let note = try Note.sign(text: "t\n", signers: [signer])
        let doubled = try Note(text: note.text, signatures: note.signatures + note.signatures)
        expectNoteError(.duplicateSignature, line: 4) {
            _ = try Note(parsing: doubled.bytes).open(verifiers: [signer.verifier])
        }
    }

    @Test func unknownKeyLineRepeated_isPreservedTwice() throws {
        let signer = try fixedSigner("a.example", seedByte: 1)
        let unknown = try NoteSignature(name: "w.example", keyID: 7, signature: [1, 2, 3])
        let note = try Note(text: "t\n", signatures: [unknown, unknown]).adding(signer)
        let opened = try Note(parsing: note.bytes).open(verifiers: [signer.verifier])
        #expect(opened.unverifiedSignatures == [unknown, unknown])
    }

    @Test func twoVerifiersForOneKey_areRefusedAsAmbiguous() throws {
        let signer = try fixedSigner("a.example", seedByte: 1)
        let note = try Note.sign(text: "t\n", signers: [signer])
        expectNoteError(.ambiguousVerifier) { _ = try note.open(verifiers: [signer.verifier, signer.verifier]) }
    }

    @Test func addingACosignature_keepsTheOtherLines_andBothVerify() throws {
        let log = try fixedSigner("log.example", seedByte: 1)
        let witness = try fixedSigner("witness.example", seedByte: 2)
        let unknown = try NoteSignature(name: "w.example", keyID: 7, signature: [1, 2, 3])
        let signed = try Note(text: "t\n", signatures: [unknown]).adding(log)
        let cosigned = try Note(parsing: signed.adding(witness).bytes)
        #expect(cosigned.signatures.count == 3)
        #expect(Array(cosigned.signatures.prefix(2)) == signed.signatures)
        #expect(cosigned.bytes.starts(with: signed.bytes))
        let opened = try cosigned.open(verifiers: [log.verifier, witness.verifier])
        #expect(opened.verifiedSignatures.map(\.name) == ["log.example", "witness.example"])
    }

    @Test func addingBySameKeyAgain_replacesItsLine() throws {
        let log = try fixedSigner("log.example", seedByte: 1)
        let witness = try fixedSigner("witness.example", seedByte: 2)
        let note = try Note.sign(text: "t\n", signers: [log, witness]).adding(log)
        #expect(note.signatures.map(\.name) == ["witness.example", "log.example"])
        #expect(try note.open(verifiers: [log.verifier, witness.verifier]).verifiedSignatures.count == 2)
    }
}

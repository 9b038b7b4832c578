import LedgerCrypto
import SignedNote
import Testing

/// Type 0x04 lines: C2SP tlog-cosignature Ed25519 cosignatures ("cosignature/v1"), verified when their key is known.
@Suite struct CosignatureTests {
    @Test func realCheckpoint_logAndWitnessVerify_otherLinesPreserved() throws {
        let log = try NoteVerifierKey.parse(RealCosignedCheckpoint.logKey)
        let witness = try NoteVerifierKey.parse(RealCosignedCheckpoint.witnessKey)
        let bytes = utf8(RealCosignedCheckpoint.text)
        let opened = try Note.open(bytes, verifiers: [log, witness])
        #expect(opened.verifiedSignatures.map(\.name)
            == ["arche2025h1.staging.ct.transparency.dev", "remora.n621.de"])
        #expect(opened.unverifiedSignatures.count == 4)
        #expect(opened.note.bytes == bytes)
        let remora = try #require(opened.verifiedSignatures.last)
        #expect(Ed25519CosignatureVerifier.timestamp(of: remora) == RealCosignedCheckpoint.witnessTimestamp)

        let checkpoint = try SignedCheckpoint(opening: bytes, logVerifier: log, witnesses: [witness])
        #expect(checkpoint.checkpoint.size == 1_432_088_532)
        #expect(checkpoint.verifiedSignatures.count == 2)
    }

    @Test func realCheckpoint_changedTreeSize_failsTheWitnessToo() throws {
        let witness = try NoteVerifierKey.parse(RealCosignedCheckpoint.witnessKey)
        let forged = RealCosignedCheckpoint.text.replacingOccurrences(of: "1432088532", with: "1432088533")
        expectNoteError(.badSignature, line: 9) { _ = try Note.open(utf8(forged), verifiers: [witness]) }
    }

    @Test func realCheckpoint_changedTimestamp_failsTheWitness() throws {
        let witness = try NoteVerifierKey.parse(RealCosignedCheckpoint.witnessKey)
        let note = try Note(parsing: utf8(RealCosignedCheckpoint.text))
        let lines = try note.signatures.map { line in
            guard line.name == "remora.n621.de" else { return line }
            var payload = line.signature
            payload[7] ^= 0x01  // last byte of the big-endian timestamp
            return try NoteSignature(name: line.name, keyID: line.keyID, signature: payload)
        }
        let forged = try Note(text: note.text, signatures: lines)
        expectNoteError(.badSignature, line: 9) { _ = try forged.open(verifiers: [witness]) }
    }

    @Test func cosigner_signsTimestampedMessage_andItsVerifierAcceptsOnlyThat() throws {
        let cosigner = try fixedCosigner("witness.example", seedByte: 5, time: 1_234_567_890)
        let payload = try cosigner.sign(utf8("o\n1\nroot\n"))
        #expect(payload.count == 72)
        #expect(Array(payload.prefix(8)) == [0, 0, 0, 0, 0x49, 0x96, 0x02, 0xD2])
        #expect(cosigner.verifier.verify(utf8("o\n1\nroot\n"), signature: payload))
        #expect(!cosigner.verifier.verify(utf8("o\n2\nroot\n"), signature: payload))
        // The Ed25519 signature is over the cosignature/v1 message, not over the bare text.
        let plain = Ed25519NoteVerifier.self
        let asPlain = try plain.init(name: "witness.example", publicKey: cosigner.privateKey.publicKey)
        #expect(!asPlain.verify(utf8("o\n1\nroot\n"), signature: Array(payload.dropFirst(8))))
        #expect(cosigner.privateKey.publicKey.isValidSignature(
            Array(payload.dropFirst(8)), for: utf8("cosignature/v1\ntime 1234567890\no\n1\nroot\n")))
    }

    @Test func timestampAbove2To63Minus1_isNeverValid() throws {
        let cosigner = try fixedCosigner("witness.example", seedByte: 5, time: UInt64(Int64.max) + 1)
        expectNoteError(.signingFailed) { _ = try cosigner.sign(utf8("t\n")) }
        let honest = try fixedCosigner("witness.example", seedByte: 5)
        var payload = try honest.sign(utf8("t\n"))
        payload[0] |= 0x80
        #expect(!honest.verifier.verify(utf8("t\n"), signature: payload))
    }

    @Test func witnessCosignsOurCheckpoint_andBothVerify() throws {
        let log = try fixedSigner("ledger.example/log", seedByte: 1)
        let witness = try fixedCosigner("witness.example", seedByte: 2)
        let checkpoint = try Checkpoint(origin: "ledger.example/log", size: 3, rootHash: HashAlgorithm.sha256.hash([1]))
        let signed = try SignedCheckpoint.sign(checkpoint, with: log).cosigned(by: witness)
        let opened = try SignedCheckpoint(opening: signed.bytes, logVerifier: log.verifier,
                                          witnesses: [witness.verifier])
        #expect(opened.verifiedSignatures.map(\.name) == ["ledger.example/log", "witness.example"])
        #expect(Ed25519CosignatureVerifier.timestamp(of: opened.verifiedSignatures[1]) == 1_700_000_000)
        // Without the witness key, its line is kept but not counted.
        let logOnly = try SignedCheckpoint(opening: signed.bytes, logVerifier: log.verifier)
        #expect(logOnly.verifiedSignatures.count == 1)
        #expect(logOnly.note.signatures.count == 2)
    }
}

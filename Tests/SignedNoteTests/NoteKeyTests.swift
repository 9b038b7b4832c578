import LedgerCrypto
import SignedNote
import Testing

/// Key IDs, verifier key strings and signer key strings (C2SP signed-note §Signatures and its vkey encoding).
@Suite struct NoteKeyTests {
    @Test func keyID_isFirstFourBytesOfSHA256OfNameNewlineTypeKey() throws {
        let vector = try SignedNoteVector()
        let verifier = try Ed25519NoteVerifier(verifierKey: vector.vkey)
        #expect(verifier.keyID == 0x530d_903a)
        #expect(verifier.name == "example.com/foo")
        // The same computation spelled out with the digest alone.
        let digest = HashAlgorithm.sha256.hash(utf8("example.com/foo") + [0x0A, 0x01] + verifier.publicKey.rawBytes)
        #expect(NoteKeyID.hex(verifier.keyID) == String(digest.hex.prefix(8)))
        // The type byte is part of the hash: type 0x04 gives another ID for the same name and key.
        #expect(NoteKeyID.compute(name: "example.com/foo", type: .cosignatureV1, publicKey: verifier.publicKey.rawBytes)
            != verifier.keyID)
    }

    @Test func verifierKey_parsesAndFormatsBackIdentically() throws {
        for key in [try SignedNoteVector().vkey, GoNoteExample.verifierKey, RealCosignedCheckpoint.logKey] {
            #expect(try Ed25519NoteVerifier(verifierKey: key).verifierKey == key)
            let generic = try NoteVerifierKey.parse(key)
            #expect(generic is Ed25519NoteVerifier)
        }
        let witness = try NoteVerifierKey.parse(RealCosignedCheckpoint.witnessKey)
        #expect(witness is Ed25519CosignatureVerifier)
        #expect(witness.keyID == 0xda77_ade7)
        #expect(try Ed25519CosignatureVerifier(verifierKey: RealCosignedCheckpoint.witnessKey).verifierKey
            == RealCosignedCheckpoint.witnessKey)
    }

    @Test func verifierKey_malformedForms_areRejected() throws {
        let good = try SignedNoteVector().vkey  // example.com/foo+530d903a+AekyeRrm…
        let bad = [
            "",
            "example.com/foo",
            "example.com/foo+530d903a",
            "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  // empty name
            good.replacingOccurrences(of: "530d903a", with: "530D903A"),  // upper-case hex
            good.replacingOccurrences(of: "530d903a", with: "530d903"),  // 7 digits
            good.replacingOccurrences(of: "530d903a", with: "0530d903a"),  // 9 digits
            good.replacingOccurrences(of: "530d903a", with: "530d903b"),  // ID does not match the key
            good.replacingOccurrences(of: "example.com/foo", with: "example.com/bar"),  // ID of another name
            good.replacingOccurrences(of: "+Aeky", with: "+Ae ky"),  // not base64
            good + "=",  // broken padding
            String(good.dropLast(4)),  // 29-byte key
            good.replacingOccurrences(of: "+Aeky", with: "+Beky"),  // type 0x05 (unsupported)
            good.replacingOccurrences(of: "+Aeky", with: "+AAky"),  // type 0x00
        ]
        for key in bad {
            let error = #expect(throws: NoteError.self, "\(key)") { _ = try NoteVerifierKey.parse(key) }
            #expect(error?.code == .invalidKey || error?.code == .invalidKeyName,
                    "\(key): \(String(describing: error))")
            #expect(throws: NoteError.self, "\(key)") { _ = try Ed25519NoteVerifier(verifierKey: key) }
        }
        // A type 0x04 key is not a type 0x01 verifier, and vice versa.
        expectNoteError(.invalidKey) { _ = try Ed25519NoteVerifier(verifierKey: RealCosignedCheckpoint.witnessKey) }
        expectNoteError(.invalidKey) { _ = try Ed25519CosignatureVerifier(verifierKey: good) }
    }

    @Test func signerKey_goExample_givesThePublishedVerifierKey_andFormatsBack() throws {
        let signer = try Ed25519NoteSigner(signerKey: GoNoteExample.signerKey)
        #expect(signer.name == "PeterNeumann")
        #expect(signer.keyID == 0xc74f_20a3)
        #expect(signer.verifier.verifierKey == GoNoteExample.verifierKey)
        #expect(try signer.signerKey == GoNoteExample.signerKey)
        #expect(!signer.description.contains("AYEKF"))
    }

    @Test func signerKey_generatedKey_roundTripsThroughItsString() throws {
        let signer = try Ed25519NoteSigner.generate(name: "ledger.example/log")
        let again = try Ed25519NoteSigner(signerKey: signer.signerKey)
        #expect(again.verifier.verifierKey == signer.verifier.verifierKey)
        let note = try Note.sign(text: "x\n", signers: [again])
        #expect(try note.open(verifiers: [signer.verifier]).verifiedSignatures.count == 1)
    }

    @Test func signerKey_malformedForms_areRejected() {
        let good = GoNoteExample.signerKey
        let bad = [
            String(good.dropFirst(12)),  // no PRIVATE+KEY+ prefix
            good.replacingOccurrences(of: "PRIVATE+KEY+", with: "private+key+"),
            good.replacingOccurrences(of: "c74f20a3", with: "c74f20a4"),  // ID does not match
            good.replacingOccurrences(of: "+AYEK", with: "+BYEK"),  // type byte not 0x01
            String(good.dropLast(4)),  // short seed
        ]
        for key in bad {
            let error = #expect(throws: NoteError.self, "\(key)") { _ = try Ed25519NoteSigner(signerKey: key) }
            #expect(error?.code == .invalidKey, "\(key): \(String(describing: error))")
        }
    }

    @Test func nonEd25519Keys_areRefused() throws {
        let p256 = try PrivateKey.generate(.ecdsaP256SHA256)
        expectNoteError(.invalidKey) { _ = try Ed25519NoteSigner(name: "n", privateKey: p256) }
        expectNoteError(.invalidKey) { _ = try Ed25519NoteVerifier(name: "n", publicKey: p256.publicKey) }
        expectNoteError(.invalidKey) { _ = try Ed25519CosignatureSigner(name: "n", privateKey: p256) }
    }
}

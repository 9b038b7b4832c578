import FuzzSupport
import LedgerCrypto
import SignedNote
import Testing

/// Mutation fuzzing of the note, checkpoint and tlog-proof parsers: no input crashes them, and no
/// mutant of a signed checkpoint opens with the trusted key unless it says exactly what was signed.
@Suite struct NoteFuzzTests {
    @Test func checkpointMutants_neverCrash_andNeverVerifyWithOtherContent() throws {
        let signer = try Ed25519NoteSigner(signerKey: Ed25519NoteSigner.generate(name: "ledger.example/log").signerKey)
        let checkpoint = try Checkpoint(origin: "ledger.example/log", size: 4_242,
                                        rootHash: HashAlgorithm.sha256.hash(Array("root".utf8)))
        let signed = try SignedCheckpoint.sign(checkpoint, with: signer).bytes
        let proof = try TlogProof(index: 7, inclusionProof: [HashAlgorithm.sha256.hash([1]), HashAlgorithm.sha256.hash([2])],
                                  checkpointNote: Note(parsing: signed)).bytes
        let iterations = Mutator.iterations(default: 4_000)
        var rng = Mutator.Generator(seed: 0x5167_4E07)
        var opened = 0
        for iteration in 0..<iterations {
            let mutant = Mutator.mutate(signed, other: proof, using: &rng)
            _ = try? Note(parsing: mutant)
            _ = try? TlogProof(parsing: Mutator.mutate(proof, other: signed, using: &rng))
            if let verified = try? SignedCheckpoint(opening: mutant, logVerifier: signer.verifier) {
                opened += 1
                #expect(verified.checkpoint == checkpoint, "iteration \(iteration) opened with other content")
            }
        }
        // The unmutated note opens (the property is live), and mutants almost never do.
        #expect(try SignedCheckpoint(opening: signed, logVerifier: signer.verifier).checkpoint == checkpoint)
        #expect(opened < iterations / 10)
    }
}

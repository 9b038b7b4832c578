import FuzzSupport
import LedgerCrypto
import Registry
import Testing

/// Mutation fuzzing of the submission decoder: no body crashes it, and a mutant that decodes
/// and still verifies with the department's key is the very submission that was signed (same canonical bytes).
@Suite struct SubmissionFuzzTests {
    @Test func submissionMutants_neverCrash_andVerifyOnlyAsTheSignedSubmission() throws {
        let demo = try Demo()
        let seeds = try [SubmissionKind.licenseIssue, .sealIssue, .linkShare].map { try demo.submission($0) }
        let iterations = Mutator.iterations(default: 2_000)
        var rng = Mutator.Generator(seed: 0x5_0B_1155)
        for (s, seed) in seeds.enumerated() {
            let key = demo.signer(for: seed.kind).1.publicKey
            let other = seeds[(s + 1) % seeds.count].canonicalBytes
            for iteration in 0..<iterations {
                let mutant = Mutator.mutate(seed.canonicalBytes, other: other, using: &rng)
                guard let submission = try? Submission(bytes: mutant) else { continue }
                if submission.verifySignature(with: key) {
                    #expect(submission.canonicalBytes == seed.canonicalBytes, "seed \(s) iteration \(iteration)")
                }
            }
            // The seed itself decodes and verifies: the property above is live.
            #expect(try Submission(bytes: seed.canonicalBytes).verifySignature(with: key))
        }
    }
}

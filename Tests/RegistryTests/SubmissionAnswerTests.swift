import CanonicalJSON
import FuzzSupport
import Registry
import Testing

/// The submission answer's hand-written canonical bytes are exactly what the encoder writes for it.
@Suite struct SubmissionAnswerTests {
    @Test(arguments: 0..<40)
    func canonicalBytes_equalTheEncodersBytes(seed: Int) throws {
        var rng = Mutator.Generator(seed: 0xA5_5E00 + UInt64(seed))
        let entries = (0..<(seed % 5)).map { position in
            SubmissionAnswer.Entry(
                index: UInt64(seed * 1_000 + position) << (seed % 3 == 0 ? 30 : 0),
                entry: String(repeating: "eyJpbmRleCI6MTB9+/=", count: Int.random(in: 0...40, using: &rng)),
                leafHash: "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
                inclusionProof: (0..<Int.random(in: 0...20, using: &rng)).map { "h\($0)\"\\\n" })
        }
        let answer = SubmissionAnswer(
            checkpoint: "dev.certledger.invalid/DEVELOPMENT-ONLY\n\(seed)\nroot=\n\n— key sig==\n",
            duplicate: seed % 2 == 0, entries: entries, treeSize: UInt64(seed) * 7_919)
        #expect(try answer.canonicalBytes() == CanonicalJSONEncoder().encode(answer))
    }

    @Test func aTreeSizeBeyondTheExactIntegers_isRefusedLikeTheEncoderRefusesIt() {
        let answer = SubmissionAnswer(checkpoint: "", duplicate: false, entries: [], treeSize: 1 << 53)
        #expect(throws: JSONError.self) { try answer.canonicalBytes() }
        #expect(throws: JSONError.self) { try CanonicalJSONEncoder().encode(answer) }
    }
}

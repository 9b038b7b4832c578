import Testing
import LedgerCrypto
@testable import Log

/// Malformed questions throw `MerkleError` with a stable code, the field, and the numbers; they never trap.
@Suite struct MerkleErrorTests {
    let hasher = MerkleHasher()
    let leaves = merkleTestLeaves(8)

    private func error(_ body: () throws(MerkleError) -> Void) -> MerkleError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func inclusion_rejectsIndexBeyondTree_withTheNumbers() throws {
        let root = hasher.rootHash(of: leaves)
        let e = try #require(error { () throws(MerkleError) in
            _ = try hasher.verifyInclusion(leafHash: leaves[0], index: 9, treeSize: 8, proof: [], rootHash: root)
        })
        #expect(e.code == .indexOutOfRange && e.field == "index")
        #expect(e.reason == "index 9 out of range for tree size 8")
        #expect(error { () throws(MerkleError) in _ = try ProofNodes.inclusion(index: 0, treeSize: 0) }?.code
            == .indexOutOfRange)
    }

    @Test func inclusionProof_rejectsTruncatedAndExtendedPaths() throws {
        let proof = try hasher.inclusionProof(index: 5, treeSize: 8, leafHashes: leaves)
        let root = hasher.rootHash(of: leaves)
        for bad in [Array(proof.dropLast()), proof + [root], []] {
            let e = try #require(error { () throws(MerkleError) in
                _ = try hasher.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 8, proof: bad, rootHash: root)
            })
            #expect(e.code == .proofLength)
            #expect(e.reason.contains("has \(bad.count) hashes, want 3"))
        }
    }

    @Test func consistency_rejectsReversedSizesEmptyOldTreeAndWrongLengths() throws {
        let r = hasher.rootHash(of: leaves)
        let reversed = error { () throws(MerkleError) in
            _ = try hasher.verifyConsistency(size1: 8, size2: 5, proof: [], root1: r, root2: r)
        }
        #expect(reversed?.code == .sizeOutOfRange)
        #expect(reversed?.reason == "size1 8 is greater than size2 5")
        #expect(error { () throws(MerkleError) in _ = try ProofNodes.consistency(size1: 8, size2: 5) }?.code
            == .sizeOutOfRange)
        let empty = error { () throws(MerkleError) in
            _ = try hasher.verifyConsistency(size1: 0, size2: 8, proof: [], root1: hasher.emptyRoot(), root2: r)
        }
        #expect(empty?.code == .emptyTree)
        #expect(error { () throws(MerkleError) in _ = try ProofNodes.consistency(size1: 0, size2: 3) }?.code
            == .emptyTree)
        let equal = error { () throws(MerkleError) in
            _ = try hasher.verifyConsistency(size1: 8, size2: 8, proof: [r], root1: r, root2: r)
        }
        #expect(equal?.code == .proofLength)
        let proof = try hasher.consistencyProof(size1: 3, size2: 8, leafHashes: leaves)
        let short = error { () throws(MerkleError) in
            _ = try hasher.verifyConsistency(size1: 3, size2: 8, proof: Array(proof.dropFirst()), root1: r, root2: r)
        }
        #expect(short?.code == .proofLength)
        #expect(short?.reason
            == "consistency proof from size 3 to 8 has \(proof.count - 1) hashes, want \(proof.count)")
    }

    @Test func equalSizes_compareRoots_asAnAnswer() throws {
        let a = leaves[0], b = leaves[1]
        #expect(try hasher.verifyConsistency(size1: 4, size2: 4, proof: [], root1: a, root2: a) == .valid)
        #expect(try hasher.verifyConsistency(size1: 4, size2: 4, proof: [], root1: a, root2: b)
            == .mismatch(size: 4, computed: a, claimed: b))
        #expect(try hasher.verifyConsistency(size1: 0, size2: 0, proof: [], root1: hasher.emptyRoot(),
                                             root2: hasher.emptyRoot()) == .valid)
    }

    @Test func mismatch_namesTheTreeWhoseRootDiffers() throws {
        let all = merkleTestLeaves(20)
        let proof = try hasher.consistencyProof(size1: 7, size2: 20, leafHashes: all)
        let root1 = hasher.rootHash(of: all[0..<7]), root2 = hasher.rootHash(of: all)
        let wrong = hasher.leafHash([1])
        let old = try hasher.verifyConsistency(size1: 7, size2: 20, proof: proof, root1: wrong, root2: root2)
        #expect(old == .mismatch(size: 7, computed: root1, claimed: wrong))
        let new = try hasher.verifyConsistency(size1: 7, size2: 20, proof: proof, root1: root1, root2: wrong)
        #expect(new == .mismatch(size: 20, computed: root2, claimed: wrong))
        #expect(new.description.contains("tree size 20"))
    }

    @Test func rawHashes_mustBe32Bytes_andNameTheElement() {
        let e = error { () throws(MerkleError) in
            _ = try Hash256.proofElements([[UInt8](repeating: 1, count: 32), [], [1, 2, 3]])
        }
        #expect(e?.code == .malformedHash && e?.field == "proof[1]")
        #expect(e?.reason == "proof[1] is 0 bytes, want 32")
        #expect(error { () throws(MerkleError) in _ = try Hash256(merkleBytes: [UInt8](repeating: 0, count: 33),
                                                                  field: "root") }?.field == "root")
    }

    @Test func proofAssembly_andInMemoryProofs_rejectBadCounts() {
        // Leaf 3 of 7: sibling leaf 2, node (1, 0), then the right edge [4, 7) = node (1, 2) ‖ leaf 6, rehashed.
        let plan = try? ProofNodes.inclusion(index: 3, treeSize: 7)
        #expect(plan?.ids == [NodeID(level: 0, index: 2), NodeID(level: 1, index: 0),
                              NodeID(level: 1, index: 2), NodeID(level: 0, index: 6)])
        #expect(plan?.rehash == 2..<4 && plan?.proofLength == 3)
        #expect(error { () throws(MerkleError) in _ = try plan?.proof(from: [leaves[0]], using: hasher) }?.code
            == .nodeCount)
        #expect(error { () throws(MerkleError) in
            _ = try hasher.inclusionProof(index: 0, treeSize: 9, leafHashes: leaves)
        }?.code == .sizeOutOfRange)
        #expect(error { () throws(MerkleError) in
            _ = try hasher.hash(of: NodeID(level: 2, index: 2), leafHashes: leaves)
        }?.code == .indexOutOfRange)
    }

    /// The closed-form lengths the verifier checks against equal the planned proofs, up to 64-bit sizes.
    @Test func proofLengthFormulas_matchPlans_forHugeTrees() throws {
        var rng = MerkleTestRNG(seed: 64)
        var sizes: [UInt64] = [1, 2, 3, UInt64.max, UInt64.max - 1, 1 << 63, (1 << 63) + 1]
        for _ in 0..<500 {
            sizes.append(UInt64.random(in: 1...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng))
        }
        for n in sizes where n > 0 {
            for m in [0, n - 1, n / 2, UInt64.random(in: 0..<n, using: &rng)] {
                let plan = try ProofNodes.inclusion(index: m, treeSize: n)
                #expect(plan.proofLength == MerkleHasher.inclusionProofLength(index: m, treeSize: n))
                #expect(plan.ids.allSatisfy { $0.isComplete(inTreeSize: n) })
                if m > 0 {
                    let consistency = try ProofNodes.consistency(size1: m, size2: n)
                    #expect(consistency.proofLength == MerkleHasher.consistencyProofLength(size1: m, size2: n))
                }
            }
        }
    }
}

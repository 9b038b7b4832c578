import Testing
import LedgerCrypto
@testable import Log

/// RFC 9162 §2.1 written literally — MTH, PATH, PROOF/SUBPROOF as recursive definitions over byte strings — with
/// nothing shared with the real implementation but the digest. Slow (O(n) per call) and obviously right.
/// One per test: it owns a digest context.
struct MerkleReference {
    let context: DigestContext

    init(_ algorithm: HashAlgorithm = .sha256) { context = DigestContext(algorithm) }

    func hash(_ bytes: [UInt8]) -> Hash256 {
        context.update(bytes)
        return context.finalize()
    }

    func leaf(_ entry: [UInt8]) -> Hash256 { hash([0x00] + entry) }

    /// `HASH(0x01 || l || r)`, fed to the digest piece by piece (concatenating arrays costs more than the hash).
    func node(_ l: Hash256, _ r: Hash256) -> Hash256 {
        context.update(byte: 0x01)
        context.update(l)
        context.update(r)
        return context.finalize()
    }

    /// The largest power of two smaller than n (n > 1).
    func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[n]) from leaf hashes.
    func mth(_ d: ArraySlice<Hash256>) -> Hash256 {
        switch d.count {
        case 0: return hash([])
        case 1: return d[d.startIndex]
        default:
            let k = split(d.count), s = d.startIndex
            return node(mth(d[s..<(s + k)]), mth(d[(s + k)...]))
        }
    }

    /// PATH(m, D[n]).
    func path(_ m: Int, _ d: ArraySlice<Hash256>) -> [Hash256] {
        guard d.count > 1 else { return [] }
        let k = split(d.count), s = d.startIndex
        if m < k { return path(m, d[s..<(s + k)]) + [mth(d[(s + k)...])] }
        return path(m - k, d[(s + k)...]) + [mth(d[s..<(s + k)])]
    }

    /// PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
    func proof(_ m: Int, _ d: ArraySlice<Hash256>) -> [Hash256] {
        subproof(m, d, true)
    }

    func subproof(_ m: Int, _ d: ArraySlice<Hash256>, _ b: Bool) -> [Hash256] {
        if m == d.count { return b ? [] : [mth(d)] }
        let k = split(d.count), s = d.startIndex
        if m <= k { return subproof(m, d[s..<(s + k)], b) + [mth(d[(s + k)...])] }
        return subproof(m - k, d[(s + k)...], false) + [mth(d[s..<(s + k)])]
    }
}

/// A deterministic generator (SplitMix64) so that failures reproduce.
struct MerkleTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Leaf hashes of entries `"leaf <i>"`, the same for every test that asks for a prefix.
func merkleTestLeaves(_ count: Int, _ hasher: MerkleHasher = MerkleHasher()) -> [Hash256] {
    (0..<count).map { hasher.leafHash(Array("leaf \($0)".utf8)) }
}

@Suite struct MerkleReferenceTests {
    let hasher = MerkleHasher()
    let reference = MerkleReference()

    /// Every size up to 128, 30 sampled sizes up to 600, and a few around larger powers of two: the naive
    /// definitions cost O(n) hashes per call, and the whole suite must stay fast in debug builds.
    static let sizes: [Int] = {
        var rng = MerkleTestRNG(seed: 600)
        let sampled = (0..<30).map { _ in Int.random(in: 129...600, using: &rng) }
        return Array(0...128) + sampled.sorted() + [600, 1023, 1024, 1025, 2047, 2049, 4096]
    }()
    static let leaves = merkleTestLeaves(4096)

    @Test func rootHash_equalsNaiveMTH_forSizesUpTo600AndSomeLarger() {
        for n in Self.sizes {
            let slice = Self.leaves[0..<n]
            #expect(hasher.rootHash(of: slice) == reference.mth(slice), "size \(n)")
        }
    }

    @Test func frontier_holdsTheDecompositionHashes_andItsRoot() throws {
        var frontier = MerkleFrontier()
        let sampled = Set(Self.sizes)
        for n in 0...600 {
            let nodes = NodeID.decomposition(ofTreeSize: UInt64(n))
            #expect(frontier.nodes == nodes)
            let want = try nodes.map { try hasher.hash(of: $0, leafHashes: Array(Self.leaves[0..<n])) }
            #expect(frontier.hashes == want, "size \(n)")
            if sampled.contains(n) {
                #expect(frontier.rootHash(using: hasher) == reference.mth(Self.leaves[0..<n]))
            }
            #expect(try MerkleFrontier(size: UInt64(n), hashes: frontier.hashes) == frontier)
            frontier.append(Self.leaves[n], using: hasher)
        }
        #expect(throws: MerkleError.self) { try MerkleFrontier(size: 7, hashes: [Self.leaves[0]]) }
    }

    @Test func inclusionProofs_equalNaivePATH_andVerify_onRandomTrees() throws {
        var rng = MerkleTestRNG(seed: 1)
        let all = Array(Self.leaves)
        for n in Self.sizes where n > 0 {
            let root = reference.mth(all[0..<n])
            let indices = n <= 32 ? Array(0..<n) : (0..<3).map { _ in Int.random(in: 0..<n, using: &rng) } + [n - 1]
            for m in indices {
                let proof = try hasher.inclusionProof(index: UInt64(m), treeSize: UInt64(n), leafHashes: all)
                #expect(proof == reference.path(m, all[0..<n]), "index \(m) size \(n)")
                #expect(proof.count == MerkleHasher.inclusionProofLength(index: UInt64(m), treeSize: UInt64(n)))
                #expect(try hasher.verifyInclusion(leafHash: all[m], index: UInt64(m), treeSize: UInt64(n),
                                                   proof: proof, rootHash: root) == .valid)
                if !proof.isEmpty {
                    var bad = proof
                    let i = Int.random(in: 0..<bad.count, using: &rng)
                    bad[i] = hasher.nodeHash(bad[i], bad[i])
                    let verdict = try hasher.verifyInclusion(leafHash: all[m], index: UInt64(m), treeSize: UInt64(n),
                                                             proof: bad, rootHash: root)
                    #expect(!verdict.isValid, "tampered proof[\(i)] for index \(m) size \(n)")
                }
            }
        }
    }

    @Test func consistencyProofs_equalNaivePROOF_andVerify_onRandomTrees() throws {
        var rng = MerkleTestRNG(seed: 2)
        let all = Array(Self.leaves)
        for n in Self.sizes where n > 0 {
            let root2 = reference.mth(all[0..<n])
            let olds = n <= 32 ? Array(1...n) : (0..<3).map { _ in Int.random(in: 1...n, using: &rng) } + [n - 1]
            for m in olds {
                let root1 = reference.mth(all[0..<m])
                let proof = try hasher.consistencyProof(size1: UInt64(m), size2: UInt64(n), leafHashes: all)
                #expect(proof == reference.proof(m, all[0..<n]), "sizes \(m) → \(n)")
                if m < n {
                    #expect(proof.count == MerkleHasher.consistencyProofLength(size1: UInt64(m), size2: UInt64(n)))
                }
                #expect(try hasher.verifyConsistency(size1: UInt64(m), size2: UInt64(n), proof: proof,
                                                     root1: root1, root2: root2) == .valid)
                if !proof.isEmpty {
                    var bad = proof
                    let i = Int.random(in: 0..<bad.count, using: &rng)
                    bad[i] = hasher.nodeHash(bad[i], bad[i])
                    let verdict = try hasher.verifyConsistency(size1: UInt64(m), size2: UInt64(n), proof: bad,
                                                               root1: root1, root2: root2)
                    #expect(!verdict.isValid, "tampered proof[\(i)] for sizes \(m) → \(n)")
                }
            }
        }
    }

    @Test func proofNodes_nameOnlyCompleteNodes_andRehashOnlyTheRightEdge() throws {
        for n in UInt64(1)...300 {
            for m in 0..<n {
                let plan = try ProofNodes.inclusion(index: m, treeSize: n)
                #expect(plan.ids.allSatisfy { $0.isComplete(inTreeSize: n) })
                #expect(plan.rehash.isEmpty || plan.rehash.count >= 2)
                // The rehashed run is exactly the tree's tail: its pieces end at leaf n.
                if let last = plan.rehash.last {
                    let node = plan.ids[last]
                    #expect(node.firstLeaf + (1 << UInt64(node.level)) == n)
                }
                let consistency = try ProofNodes.consistency(size1: m + 1, size2: n)
                #expect(consistency.ids.allSatisfy { $0.isComplete(inTreeSize: n) })
            }
        }
    }
}

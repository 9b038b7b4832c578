public import LedgerCrypto

/// Proof verification exactly as RFC 9162 §2.1.3.2 and §2.1.4.2, with one strictness added: a proof whose length
/// differs from the length its index and sizes determine is rejected up front as malformed (`.proofLength`),
/// where the RFC's loop would merely fail. Everything else that goes wrong is a `MerkleVerdict.mismatch`.
extension MerkleHasher {
    /// The number of hashes in an inclusion proof for `index` in a tree of `treeSize` leaves (`index < treeSize`):
    /// one per level below the point where the leaf's path joins the right edge, plus one per level above it at
    /// which the path is a right child.
    public static func inclusionProofLength(index: UInt64, treeSize: UInt64) -> Int {
        pathLength(index: index, last: treeSize - 1)
    }

    /// The number of hashes in a consistency proof from `size1` to `size2` (`0 < size1 < size2`).
    public static func consistencyProofLength(size1: UInt64, size2: UInt64) -> Int {
        let level = UInt64(size1.trailingZeroBitCount)
        let index = (size1 >> level) - 1
        return pathLength(index: index, last: (size2 - 1) >> level) + (index == 0 ? 0 : 1)
    }

    private static func pathLength(index: UInt64, last: UInt64) -> Int {
        let inner = UInt64.bitWidth - (index ^ last).leadingZeroBitCount
        return inner + (index >> UInt64(inner)).nonzeroBitCount
    }

    /// The root that an inclusion proof leads to from `leafHash` at `index` (RFC 9162 §2.1.3.2 steps 1–4).
    ///
    /// - Throws: `MerkleError.indexOutOfRange` (`index ≥ treeSize`), `.proofLength`.
    public func rootFromInclusionProof(leafHash: Hash256, index: UInt64, treeSize: UInt64,
                                       proof: [Hash256]) throws(MerkleError) -> Hash256 {
        guard index < treeSize else {
            throw MerkleError(.indexOutOfRange, field: "index",
                              "index \(index) out of range for tree size \(treeSize)")
        }
        let want = Self.inclusionProofLength(index: index, treeSize: treeSize)
        guard proof.count == want else {
            throw MerkleError(.proofLength, field: "proof", "inclusion proof for index \(index) in tree size "
                + "\(treeSize) has \(proof.count) hashes, want \(want)")
        }
        var fn = index
        var sn = treeSize - 1
        var r = leafHash
        for p in proof {
            // Step 4a cannot trigger after the length check; kept so the loop is the RFC's, whole.
            guard sn > 0 else { throw lengthError("inclusion", proof.count) }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw lengthError("inclusion", proof.count) }
        return r
    }

    /// Verifies that `leafHash` is the leaf at `index` of the tree of `treeSize` leaves with root `rootHash`
    /// (RFC 9162 §2.1.3.2).
    ///
    /// - Returns: `.valid`, or `.mismatch` with the root the proof leads to.
    /// - Throws: `MerkleError.indexOutOfRange` (`index ≥ treeSize`, so also any index of the empty tree),
    ///   `.proofLength`.
    public func verifyInclusion(leafHash: Hash256, index: UInt64, treeSize: UInt64, proof: [Hash256],
                                rootHash: Hash256) throws(MerkleError) -> MerkleVerdict {
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof)
        return computed == rootHash ? .valid : .mismatch(size: treeSize, computed: computed, claimed: rootHash)
    }

    /// Verifies that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves with root
    /// `root1` (RFC 9162 §2.1.4.2). Equal sizes take an empty proof and equal roots.
    ///
    /// - Returns: `.valid`, or `.mismatch` naming the first root (old, then new) that the proof does not give.
    /// - Throws: `MerkleError.sizeOutOfRange` (`size1 > size2`), `.emptyTree` (`size1 = 0 < size2`: RFC 9162
    ///   defines no such proof), `.proofLength`.
    public func verifyConsistency(size1: UInt64, size2: UInt64, proof: [Hash256], root1: Hash256,
                                  root2: Hash256) throws(MerkleError) -> MerkleVerdict {
        guard size1 <= size2 else {
            throw MerkleError(.sizeOutOfRange, field: "size1", "size1 \(size1) is greater than size2 \(size2)")
        }
        if size1 == size2 {
            guard proof.isEmpty else {
                throw MerkleError(.proofLength, field: "proof",
                                  "consistency proof between equal sizes \(size1) has \(proof.count) hashes, want 0")
            }
            return root1 == root2 ? .valid : .mismatch(size: size2, computed: root1, claimed: root2)
        }
        guard size1 > 0 else {
            throw MerkleError(.emptyTree, field: "size1",
                              "no consistency proof exists from the empty tree to size \(size2) (RFC 9162 §2.1.4)")
        }
        let want = Self.consistencyProofLength(size1: size1, size2: size2)
        guard proof.count == want else {
            throw MerkleError(.proofLength, field: "proof", "consistency proof from size \(size1) to \(size2) "
                + "has \(proof.count) hashes, want \(want)")
        }
        // Steps 1–2: a power-of-two old tree is itself the first node of the path.
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        // Steps 3–4.
        var fn = size1 - 1
        var sn = size2 - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // Steps 5–6.
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn > 0 else { throw lengthError("consistency", proof.count) }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 7.
        guard sn == 0 else { throw lengthError("consistency", proof.count) }
        if fr != root1 { return .mismatch(size: size1, computed: fr, claimed: root1) }
        if sr != root2 { return .mismatch(size: size2, computed: sr, claimed: root2) }
        return .valid
    }

    private func lengthError(_ kind: String, _ count: Int) -> MerkleError {
        MerkleError(.proofLength, field: "proof", "\(kind) proof of \(count) hashes does not fit its tree sizes")
    }
}

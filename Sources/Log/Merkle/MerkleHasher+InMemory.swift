public import LedgerCrypto

/// Proofs from leaf hashes held in memory: for tests, tools and small trees. A log serves proofs from its tiles
/// instead (`TileHashReader`); both go through the same `ProofNodes` plans.
extension MerkleHasher {
    /// The hash of a complete subtree from the tree's leaf hashes (O(2^level) hashes).
    ///
    /// - Throws: `MerkleError.indexOutOfRange` when the node is not complete within `leafHashes`.
    public func hash(of node: NodeID, leafHashes: [Hash256]) throws(MerkleError) -> Hash256 {
        guard node.isComplete(inTreeSize: UInt64(leafHashes.count)) else {
            throw MerkleError(.indexOutOfRange, field: "node",
                              "\(node) is not complete in a tree of size \(leafHashes.count)")
        }
        let start = Int(node.firstLeaf)
        return rootHash(of: leafHashes[start..<(start + (1 << Int(node.level)))])
    }

    /// The RFC 9162 §2.1.3.1 inclusion proof for `index` in the tree made of the first `treeSize` leaf hashes.
    ///
    /// - Throws: `MerkleError.indexOutOfRange`, `.sizeOutOfRange` (`treeSize` beyond `leafHashes`).
    public func inclusionProof(index: UInt64, treeSize: UInt64, leafHashes: [Hash256]) throws(MerkleError)
        -> [Hash256]
    {
        try checkSize(treeSize, leafHashes, field: "treeSize")
        let plan = try ProofNodes.inclusion(index: index, treeSize: treeSize)
        return try proof(plan, leafHashes)
    }

    /// The RFC 9162 §2.1.4.1 consistency proof between the trees made of the first `size1` and `size2` leaf
    /// hashes.
    ///
    /// - Throws: `MerkleError.sizeOutOfRange`, `.emptyTree`.
    public func consistencyProof(size1: UInt64, size2: UInt64, leafHashes: [Hash256]) throws(MerkleError)
        -> [Hash256]
    {
        try checkSize(size2, leafHashes, field: "size2")
        let plan = try ProofNodes.consistency(size1: size1, size2: size2)
        return try proof(plan, leafHashes)
    }

    private func proof(_ plan: ProofNodes, _ leafHashes: [Hash256]) throws(MerkleError) -> [Hash256] {
        var hashes: [Hash256] = []
        for id in plan.ids {
            hashes.append(try hash(of: id, leafHashes: leafHashes))
        }
        return try plan.proof(from: hashes, using: self)
    }

    private func checkSize(_ size: UInt64, _ leafHashes: [Hash256], field: String) throws(MerkleError) {
        guard size <= UInt64(leafHashes.count) else {
            throw MerkleError(.sizeOutOfRange, field: field,
                              "\(field) \(size) is beyond the \(leafHashes.count) leaf hashes given")
        }
    }
}

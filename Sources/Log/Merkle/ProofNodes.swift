public import LedgerCrypto

/// The plan of an RFC 9162 inclusion or consistency proof as complete subtrees to look up, so that a log can
/// build a proof from stored tiles without holding the tree in memory.
///
/// Every proof hash of RFC 9162 §2.1.3.1 (`PATH`) and §2.1.4.1 (`PROOF`/`SUBPROOF`) is the hash of either a
/// complete subtree — stored, and never changing once complete — or of the tree's incomplete right edge below
/// some level, which RFC 9162 builds from the complete subtrees that make it up. `ids` lists the complete
/// subtrees in proof order; the ones in `rehash` are the pieces of that one right-edge hash and are folded into
/// a single proof element by `proof(from:using:)`.
///
/// Proof order is RFC 9162's: from the bottom of the tree (the leaf's or old root's sibling) up to the root's
/// child.
public struct ProofNodes: Sendable, Equatable {
    /// The complete subtrees whose hashes the proof needs, in proof order.
    public let ids: [NodeID]
    /// The positions in `ids` (at most one run, of two or more) whose hashes fold right to left into one proof
    /// element: the incomplete right edge of the tree.
    public let rehash: Range<Int>

    /// The number of hashes in the finished proof.
    public var proofLength: Int { ids.count - Swift.max(0, rehash.count - 1) }

    init(ids: [NodeID], rehash: Range<Int>) {
        self.ids = ids
        self.rehash = rehash
    }

    /// The nodes of the inclusion proof `PATH(index, D[treeSize])` (RFC 9162 §2.1.3.1).
    ///
    /// - Throws: `MerkleError.indexOutOfRange` when `index ≥ treeSize`.
    public static func inclusion(index: UInt64, treeSize: UInt64) throws(MerkleError) -> ProofNodes {
        guard index < treeSize else {
            throw MerkleError(.indexOutOfRange, field: "index",
                              "index \(index) out of range for tree size \(treeSize)")
        }
        return path(from: NodeID(level: 0, index: index), treeSize: treeSize)
    }

    /// The nodes of the consistency proof `PROOF(size1, D[size2])` (RFC 9162 §2.1.4.1). Equal sizes need no
    /// hashes.
    ///
    /// The old tree's root is the fold of its complete subtrees; the smallest of them, at level
    /// `trailingZeros(size1)`, is the first proof element (omitted when `size1` is a power of two: it is the old
    /// root itself, which the verifier has), followed by that node's inclusion path in the new tree.
    ///
    /// - Throws: `MerkleError.sizeOutOfRange` when `size1 > size2`, `.emptyTree` when `size1 = 0 < size2`.
    public static func consistency(size1: UInt64, size2: UInt64) throws(MerkleError) -> ProofNodes {
        guard size1 <= size2 else {
            throw MerkleError(.sizeOutOfRange, field: "size1", "size1 \(size1) is greater than size2 \(size2)")
        }
        if size1 == size2 { return ProofNodes(ids: [], rehash: 0..<0) }
        guard size1 > 0 else {
            throw MerkleError(.emptyTree, field: "size1",
                              "no consistency proof exists from the empty tree to size \(size2) (RFC 9162 §2.1.4)")
        }
        let level = size1.trailingZeroBitCount
        let node = NodeID(level: UInt8(level), index: (size1 >> UInt64(level)) - 1)
        let rest = path(from: node, treeSize: size2)
        if node.index == 0 { return rest }
        let shifted = rest.rehash.isEmpty ? rest.rehash : (rest.rehash.lowerBound + 1)..<(rest.rehash.upperBound + 1)
        return ProofNodes(ids: [node] + rest.ids, rehash: shifted)
    }

    /// The siblings of `node` and of its ancestors up to the root of a tree of `treeSize` leaves (`node` must be
    /// complete in it). At each level the sibling is a complete node, the incomplete right edge (rehashed), or
    /// absent — RFC 9162's unbalanced right edge, where a node moves up a level unchanged.
    private static func path(from node: NodeID, treeSize: UInt64) -> ProofNodes {
        var ids: [NodeID] = []
        var rehash = 0..<0
        let last = treeSize - 1
        var level = Int(node.level)
        var index = node.index
        while last >> UInt64(level) > 0 {
            let sibling = index ^ 1
            if sibling < treeSize >> UInt64(level) {
                ids.append(NodeID(level: UInt8(level), index: sibling))
            } else if sibling <= last >> UInt64(level) {
                let edge = NodeID.rightEdge(ofTreeSize: treeSize, below: level)
                if edge.count > 1 { rehash = ids.count..<(ids.count + edge.count) }
                ids += edge
            }
            level += 1
            index >>= 1
        }
        return ProofNodes(ids: ids, rehash: rehash)
    }

    /// Assembles the proof from the hashes of `ids` (same order), folding the `rehash` run into one element.
    ///
    /// - Throws: `MerkleError.nodeCount` when `hashes.count != ids.count`.
    public func proof(from hashes: [Hash256], using hasher: MerkleHasher) throws(MerkleError) -> [Hash256] {
        guard hashes.count == ids.count else {
            throw MerkleError(.nodeCount, field: "hashes", "\(hashes.count) node hashes for \(ids.count) nodes")
        }
        guard let folded = hasher.foldRightEdge(hashes[rehash]) else { return hashes }
        return Array(hashes[..<rehash.lowerBound]) + [folded] + Array(hashes[rehash.upperBound...])
    }
}

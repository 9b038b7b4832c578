public import LedgerCrypto

/// The right edge of an RFC 9162 tree as a compact range: the hashes of the complete subtrees that make up a tree
/// of `size` leaves, one per set bit of `size`, largest (leftmost) first.
///
/// Enough to append leaves and to compute the root in O(log n) memory — what an auditor replaying the whole log
/// needs, and how `MerkleHasher.rootHash(of:)` works. `nodes` names the subtrees so that a frontier can be checked
/// against, or loaded from, stored tiles.
public struct MerkleFrontier: Sendable, Equatable {
    /// Number of leaves appended so far.
    public private(set) var size: UInt64
    /// Hashes of `NodeID.decomposition(ofTreeSize: size)`, in that order.
    public private(set) var hashes: [Hash256]

    /// The frontier of the empty tree.
    public init() {
        size = 0
        hashes = []
    }

    /// A frontier from stored subtree hashes, one per set bit of `size`, largest first.
    ///
    /// - Throws: `MerkleError.nodeCount` if `hashes` does not have one hash per set bit of `size`.
    public init(size: UInt64, hashes: [Hash256]) throws(MerkleError) {
        guard hashes.count == size.nonzeroBitCount else {
            throw MerkleError(.nodeCount, field: "hashes",
                              "\(hashes.count) subtree hashes for tree size \(size), want \(size.nonzeroBitCount)")
        }
        self.size = size
        self.hashes = hashes
    }

    /// For callers that derived `hashes` from `size` themselves.
    init(uncheckedSize size: UInt64, hashes: [Hash256]) {
        self.size = size
        self.hashes = hashes
    }

    /// The complete subtrees whose hashes `hashes` holds.
    public var nodes: [NodeID] { NodeID.decomposition(ofTreeSize: size) }

    /// Appends one leaf: every complete subtree that the new leaf completes is merged, as a binary counter
    /// carries (one merge per trailing one bit of `size`).
    ///
    /// - Precondition: `size < UInt64.max` (a log of 2^64 − 1 entries cannot be stored).
    public mutating func append(_ leafHash: Hash256, using hasher: MerkleHasher) {
        var carry = leafHash
        var bits = size
        while bits & 1 == 1 {
            carry = hasher.nodeHash(hashes.removeLast(), carry)
            bits >>= 1
        }
        hashes.append(carry)
        size += 1
    }

    /// The Merkle Tree Hash of the `size` leaves (RFC 9162 §2.1.1): the subtrees folded right to left, or
    /// `H("")` for the empty tree.
    public func rootHash(using hasher: MerkleHasher) -> Hash256 {
        hasher.foldRightEdge(hashes) ?? hasher.emptyRoot()
    }
}

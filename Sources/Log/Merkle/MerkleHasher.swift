public import LedgerCrypto

/// The RFC 9162 §2.1 tree hash functions over one reusable digest context.
///
/// Domain separation (§2.1.1): a leaf is `H(0x00 ‖ entry)`, an interior node `H(0x01 ‖ left ‖ right)`, and the
/// empty tree `H("")`, so that no leaf can be passed off as a node and no node as a leaf. Every hash lands in an
/// inline `Hash256`: the hot path allocates nothing.
///
/// Not `Sendable` (it owns an OpenSSL digest context): make one per task or thread.
public final class MerkleHasher {
    /// The hash suite of the ledger (DESIGN.md §3).
    public let algorithm: HashAlgorithm
    private let context: DigestContext

    /// Creates a hasher for `algorithm` (SHA-256 unless the ledger was created with SM3).
    public init(_ algorithm: HashAlgorithm = .sha256) {
        self.algorithm = algorithm
        self.context = DigestContext(algorithm)
    }

    /// The root of the empty tree, `H("")` (RFC 9162 §2.1.1).
    public func emptyRoot() -> Hash256 {
        context.finalize()
    }

    /// The leaf hash `H(0x00 ‖ entry)` of one log entry (RFC 9162 §2.1.1).
    public func leafHash(_ entry: some Sequence<UInt8>) -> Hash256 {
        context.update(byte: 0x00)
        context.update(entry)
        return context.finalize()
    }

    /// The interior node hash `H(0x01 ‖ left ‖ right)` (RFC 9162 §2.1.1).
    @inline(__always)
    public func nodeHash(_ left: Hash256, _ right: Hash256) -> Hash256 {
        context.update(byte: 0x01)
        context.update(left)
        context.update(right)
        return context.finalize()
    }

    /// The Merkle Tree Hash `MTH(D[n])` of RFC 9162 §2.1.1 from the leaf hashes, in O(n) hashes and O(log n)
    /// memory: the leaves are folded into the tree's right edge (its complete subtrees) and the edge is folded
    /// right to left, which is exactly the RFC's split at the largest power of two below n.
    public func rootHash(of leafHashes: some Collection<Hash256>) -> Hash256 {
        var frontier = MerkleFrontier()
        for leaf in leafHashes {
            frontier.append(leaf, using: self)
        }
        return frontier.rootHash(using: self)
    }

    /// Folds hashes of adjacent subtrees, left to right in the tree, into the hash of their union as RFC 9162
    /// builds it: right to left, `H(h[0], H(h[1], … H(h[k-2], h[k-1])))`. Used for a tree's right edge, whose
    /// complete subtrees shrink from left to right. Returns nil for no hashes.
    public func foldRightEdge(_ hashes: some BidirectionalCollection<Hash256>) -> Hash256? {
        guard var accumulator = hashes.last else { return nil }
        for hash in hashes.dropLast().reversed() {
            accumulator = nodeHash(hash, accumulator)
        }
        return accumulator
    }

    /// The hash of a complete (perfect) subtree whose leaves at its bottom level are `hashes`, a power-of-two
    /// count: hashes pairs level by level. Used inside tiles (C2SP tlog-tiles: a tile's hashes are the bottom of
    /// 8 levels of complete subtrees).
    func perfectSubtreeHash(_ hashes: [Hash256]) -> Hash256 {
        precondition(hashes.count > 0 && hashes.count & (hashes.count - 1) == 0, "not a power of two")
        var level = hashes
        var count = level.count
        while count > 1 {
            for i in 0..<(count / 2) {
                level[i] = nodeHash(level[2 * i], level[2 * i + 1])
            }
            count /= 2
        }
        return level[0]
    }
}

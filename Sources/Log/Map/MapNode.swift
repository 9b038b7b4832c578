public import LedgerCrypto

/// A non-empty subtree as the status map stores it (DESIGN.md §3): either the one key it holds, or the hash of its
/// two halves when it holds two or more. Empty subtrees are not stored.
public enum MapNode: Sendable, Hashable {
    /// Two or more keys: `H(0x03 ‖ left ‖ right)`.
    case branch(Hash256)
    /// Exactly one key, with the hash of its value.
    case leaf(key: Hash256, valueHash: Hash256)

    /// The subtree's hash.
    @inline(__always)
    public func hash(using hasher: MapHasher) -> Hash256 {
        switch self {
        case let .branch(hash): return hash
        case let .leaf(key, valueHash): return hasher.leafHash(key: key, valueHash: valueHash)
        }
    }

    /// Whether the subtree holds exactly one key.
    public var isLeaf: Bool {
        if case .leaf = self { return true }
        return false
    }
}

extension Optional where Wrapped == MapNode {
    /// The hash of a possibly empty subtree (32 zero bytes when empty).
    @inline(__always)
    func hash(using hasher: MapHasher) -> Hash256 {
        self?.hash(using: hasher) ?? MapHasher.empty
    }
}

/// A complete (perfect) subtree of an RFC 9162 Merkle tree: `level` levels above the leaves, `index`-th from the
/// left, covering leaves `[index · 2^level, (index + 1) · 2^level)`.
///
/// Once a tree has grown past a complete node, the node's hash never changes (the log is append-only); that is
/// why proofs are planned as lists of `NodeID`s that a log can look up in stored tiles, whatever the tree size the
/// proof is for. Nodes on the right edge that are not complete are never stored: see `ProofNodes.rehash`.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Height above the leaves (0 = a leaf), at most 63.
    public let level: UInt8
    /// Position among the nodes of that level, from the left.
    public let index: UInt64

    /// The node `index` at `level` (levels above 63 name no node of a `UInt64`-sized tree).
    public init(level: UInt8, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// Whether this node is a complete subtree of a tree of `size` leaves, i.e. `(index + 1) · 2^level ≤ size`
    /// (computed without overflow).
    public func isComplete(inTreeSize size: UInt64) -> Bool {
        level < 64 && index < size >> UInt64(level)
    }

    /// The first leaf the node covers (overflows only for nodes no tree of `UInt64` size can complete).
    public var firstLeaf: UInt64 { index << UInt64(level) }

    /// Level first, then index: the order of tiles in storage.
    public static func < (a: NodeID, b: NodeID) -> Bool { (a.level, a.index) < (b.level, b.index) }

    /// `node(level, index)`.
    public var description: String { "node(\(level), \(index))" }

    /// The complete subtrees whose concatenation is a tree of `size` leaves, left (largest) to right (smallest):
    /// one per set bit of `size`. Folding their hashes with `MerkleHasher.foldRightEdge` gives the tree's root.
    public static func decomposition(ofTreeSize size: UInt64) -> [NodeID] {
        rightEdge(ofTreeSize: size, below: 64)
    }

    /// The complete subtrees covering leaves `[s, size)` where `s` is `size` with its bits below `level` cleared:
    /// one node per set bit of `size` below `level`, largest first. This is the incomplete right-edge node at
    /// `level` that RFC 9162 hashes on the fly ("ephemeral": it is never stored, as it changes with every append).
    static func rightEdge(ofTreeSize size: UInt64, below level: Int) -> [NodeID] {
        var nodes: [NodeID] = []
        var bit = level - 1
        while bit >= 0 {
            if size >> UInt64(bit) & 1 == 1 {
                nodes.append(NodeID(level: UInt8(bit), index: (size >> UInt64(bit)) - 1))
            }
            bit -= 1
        }
        return nodes
    }
}

public import LedgerCrypto

/// A subtree of the status map: the keys whose first `depth` bits are those of `prefix` (later bits zero).
///
/// The root is depth 0; the children of a node at depth d differ in bit d (0 = left). Persistent stores key their
/// node rows by this pair, so a proof's path is `depth` + 1 point look-ups.
public struct MapNodeID: Hashable, Sendable, CustomStringConvertible {
    /// Levels below the root, 0 ... 256.
    public let depth: Int
    /// The bits shared by every key of the subtree; bits from `depth` on are zero.
    public let prefix: Hash256

    /// The whole map.
    public static let root = MapNodeID(depth: 0, prefix: .zero)

    /// The subtree at `depth` on the path of `key`.
    public init(depth: Int, onPathOf key: Hash256) {
        self.init(depth: depth, prefix: key.prefix(depth))
    }

    private init(depth: Int, prefix: Hash256) {
        self.depth = depth
        self.prefix = prefix
    }

    /// The left (`right == false`) or right child.
    @inline(__always)
    public func child(right: Bool) -> MapNodeID {
        MapNodeID(depth: depth + 1, prefix: right ? prefix.setting(bit: depth, to: true) : prefix)
    }

    /// Hashes the depth and the prefix's first 128 bits only: two positions that differ only further down are
    /// both deeper than 128 levels, which random keys never reach; equality still compares everything.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(UInt64(depth) ^ prefix.word64(0))
        hasher.combine(prefix.word64(1))
    }

    /// The node one level up (not for the root).
    @inline(__always)
    public var parent: MapNodeID {
        precondition(depth > 0, "the root has no parent")
        return MapNodeID(depth: depth - 1, prefix: prefix.setting(bit: depth - 1, to: false))
    }

    /// Whether this node is its parent's right child (not for the root).
    @inline(__always)
    public var isRightChild: Bool { prefix.bit(depth - 1) }

    /// `node(depth, hex prefix)`.
    public var description: String { "node(\(depth), \(prefix))" }
}

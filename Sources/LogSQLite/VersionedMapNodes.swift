public import LedgerCrypto
public import Log

/// The current version of a status map as its SQLite file holds it: every node with the version of its row. A
/// branch row names its children's rows by version, so a batch that rewrites a branch must know the row of a child
/// it left alone; this is where the map's writer finds it without reading the file.
///
/// Siblings are kept together under their parent's position, as `MemoryMapNodeStore` keeps them: an update or a
/// proof reads both children of each node on its path.
public struct VersionedMapNodes: Sendable {
    /// The two children of a branch (nil: that half is empty, or not known yet in a partial mirror) and the
    /// versions of their rows (0 with nil).
    struct Children: Sendable {
        var left: MapNode?
        var right: MapNode?
        var leftVersion: UInt64 = 0
        var rightVersion: UInt64 = 0
    }

    private var root: MapNode?
    private var rootVersion: UInt64 = 0
    /// Parent position → its children, for every branch.
    private var children: [MapNodeID: Children] = [:]

    /// No nodes.
    public init() {}

    /// The node at `id`; nil when empty (or not known).
    public func node(at id: MapNodeID) -> MapNode? {
        guard id.depth > 0 else { return root }
        guard let pair = children[id.parent] else { return nil }
        return id.isRightChild ? pair.right : pair.left
    }

    /// The version of the row of the node at `id`; 0 when empty (or not known).
    public func rowVersion(at id: MapNodeID) -> UInt64 {
        guard id.depth > 0 else { return rootVersion }
        guard let pair = children[id.parent] else { return 0 }
        return id.isRightChild ? pair.rightVersion : pair.leftVersion
    }

    /// Puts `node`, stored in the row of `version`, at `id`; nil empties the position.
    public mutating func set(_ node: MapNode?, version: UInt64, at id: MapNodeID) {
        let rowVersion = node == nil ? 0 : version
        guard id.depth > 0 else {
            root = node
            rootVersion = rowVersion
            return
        }
        let parent = id.parent
        if node != nil {
            // One look-up: the entry is changed in place (most writes set a node).
            Self.put(node, rowVersion, right: id.isRightChild, in: &children[parent, default: Children()])
        } else if var pair = children[parent] {
            if id.isRightChild {
                pair.right = nil
                pair.rightVersion = 0
            } else {
                pair.left = nil
                pair.leftVersion = 0
            }
            children[parent] = pair.left == nil && pair.right == nil ? nil : pair
        }
    }

    @inline(__always)
    private static func put(_ node: MapNode?, _ version: UInt64, right: Bool, in pair: inout Children) {
        if right {
            pair.right = node
            pair.rightVersion = version
        } else {
            pair.left = node
            pair.leftVersion = version
        }
    }

    /// Makes `writes`, stored under `version`, current.
    public mutating func apply(_ writes: MapNodeWrites, version: UInt64) {
        for (id, node) in writes.nodes { set(node, version: version, at: id) }
    }

    /// Every non-empty position with its node and row version (built on demand).
    public var entries: [(id: MapNodeID, node: MapNode, version: UInt64)] {
        var out: [(id: MapNodeID, node: MapNode, version: UInt64)] = []
        out.reserveCapacity(children.count * 2 + 1)
        if let root { out.append((.root, root, rootVersion)) }
        for (parent, pair) in children {
            if let left = pair.left { out.append((parent.child(right: false), left, pair.leftVersion)) }
            if let right = pair.right { out.append((parent.child(right: true), right, pair.rightVersion)) }
        }
        return out
    }

    /// The number of non-empty positions.
    public var count: Int {
        children.values.reduce(root == nil ? 0 : 1) { $0 + ($1.left == nil ? 0 : 1) + ($1.right == nil ? 0 : 1) }
    }

    /// Every non-empty position with its node (for tests).
    public var nodes: [MapNodeID: MapNode] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0.node) })
    }
}

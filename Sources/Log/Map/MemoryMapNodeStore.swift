/// The status map's nodes in memory: the current version only. For tests, benchmarks and stores that rebuild the
/// map from their own tables on start.
///
/// Siblings are stored together, under their parent's position: an update or a proof reads both children of each
/// node on its path, and this way the second read finds the entry the first one just brought into the cache. On a
/// map far larger than the cache, look-ups (cache and TLB misses) are what an update costs, not hashing.
public struct MemoryMapNodeStore: MapNodeStore, Sendable {
    /// The two children of a branch (nil: that half is empty).
    struct Children: Sendable {
        var left: MapNode?
        var right: MapNode?
    }

    /// The whole map's node.
    private var root: MapNode?
    /// Parent position → its children, for every branch.
    private var children: [MapNodeID: Children] = [:]

    /// An empty map, with room for about `capacity` nodes (about 2.4 per key).
    public init(capacity: Int = 0) {
        children.reserveCapacity(capacity * 10 / 17)
    }

    public func node(at id: MapNodeID) -> MapNode? {
        guard id.depth > 0 else { return root }
        guard let pair = children[id.parent] else { return nil }
        return id.isRightChild ? pair.right : pair.left
    }

    public mutating func apply(_ writes: MapNodeWrites) {
        for (id, node) in writes.nodes {
            guard id.depth > 0 else {
                root = node
                continue
            }
            let parent = id.parent
            if let node {
                // One look-up: the entry is changed in place (most writes set a node).
                if id.isRightChild {
                    children[parent, default: Children()].right = node
                } else {
                    children[parent, default: Children()].left = node
                }
            } else if var pair = children[parent] {
                if id.isRightChild { pair.right = nil } else { pair.left = nil }
                children[parent] = pair.left == nil && pair.right == nil ? nil : pair
            }
        }
    }

    /// Puts `node` at `id`: for loading the current version of a persistent map, position by position.
    public mutating func insert(_ node: MapNode, at id: MapNodeID) {
        var writes = MapNodeWrites(capacity: 1)
        writes.set(node, at: id)
        apply(writes)
    }

    /// Empties the position `id`.
    public mutating func remove(at id: MapNodeID) {
        var writes = MapNodeWrites(capacity: 1)
        writes.set(nil, at: id)
        apply(writes)
    }

    /// Every non-empty subtree by position (built on demand: for tests).
    public var nodes: [MapNodeID: MapNode] {
        var out: [MapNodeID: MapNode] = [:]
        if let root { out[.root] = root }
        for (parent, pair) in children {
            if let left = pair.left { out[parent.child(right: false)] = left }
            if let right = pair.right { out[parent.child(right: true)] = right }
        }
        return out
    }

    /// The number of stored (non-empty) subtrees.
    public var count: Int {
        children.values.reduce(root == nil ? 0 : 1) { $0 + ($1.left == nil ? 0 : 1) + ($1.right == nil ? 0 : 1) }
    }
}

/// The status map's nodes in a dictionary: the current version only. For tests, benchmarks and stores that
/// rebuild the map from their own tables on start.
public struct MemoryMapNodeStore: MapNodeStore, Sendable {
    /// Every non-empty subtree.
    public private(set) var nodes: [MapNodeID: MapNode] = [:]

    /// An empty map, with room for about `capacity` nodes (about 2.4 per key).
    public init(capacity: Int = 0) {
        nodes.reserveCapacity(capacity)
    }

    public func node(at id: MapNodeID) -> MapNode? {
        nodes[id]
    }

    public mutating func apply(_ writes: MapNodeWrites) {
        for (id, node) in writes.nodes {
            nodes[id] = node
        }
    }

    /// The number of stored (non-empty) subtrees.
    public var count: Int { nodes.count }
}

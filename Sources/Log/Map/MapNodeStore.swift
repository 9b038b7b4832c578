public import LedgerCrypto

/// Where the status map keeps its nodes: the non-empty subtrees of its current version, by `MapNodeID`.
///
/// `SparseMerkleMap` reads nodes one at a time while it walks the paths of a batch's changed keys and hands back
/// every node it created, changed or emptied as one `MapNodeWrites`; a store applies them all or none, so a crash
/// never leaves a half-updated tree. A persistent store writes them in the transaction of the batch whose map root
/// they produce, under that batch's tree size, and so can also answer for earlier sizes (docs/design-notes.md,
/// "Status map storage").
public protocol MapNodeStore {
    /// The node at `id` in the current version; nil when that subtree is empty.
    func node(at id: MapNodeID) throws -> MapNode?

    /// Makes `writes` current: each node replaces the one at its position, nil empties the position.
    mutating func apply(_ writes: MapNodeWrites) throws
}

/// The nodes one batch of changes wrote: new or replaced nodes, and positions that became empty (nil).
public struct MapNodeWrites: Sendable {
    /// Each written position with its node after the batch (nil: now empty). A batch writes a position at most
    /// once, so this is a list, not a dictionary: no hashing on the hot path.
    public internal(set) var nodes: [(id: MapNodeID, node: MapNode?)] = []
    /// The version the batch makes (the tree size of the batch's `map.root` entry), when the caller named one;
    /// stores that keep history require it.
    public internal(set) var version: UInt64?
    /// The map root after the batch.
    public internal(set) var root = MapHasher.empty

    /// No writes.
    public init() {}

    /// No writes yet, with room for `capacity` of them.
    init(capacity: Int) {
        nodes.reserveCapacity(capacity)
    }

    /// Records the node at `id` after the batch.
    @inline(__always)
    mutating func set(_ node: MapNode?, at id: MapNodeID) {
        nodes.append((id, node))
    }

    /// Whether the batch wrote nothing.
    public var isEmpty: Bool { nodes.isEmpty }
}

/// A node store that keeps every version it went through (each batch's writes under the tree size of its
/// `map.root` entry), so that the map can be proven at any earlier checkpointed size.
public protocol VersionedMapNodeStore: MapNodeStore {
    /// The map root recorded for `version`; nil if no batch made that version.
    func root(atVersion version: UInt64) throws -> Hash256?
    /// A read-only store of an older version.
    associatedtype View: MapNodeStore
    /// The map as it stood after the latest batch at or before `version`, read-only.
    func view(atVersion version: UInt64) throws -> View
}

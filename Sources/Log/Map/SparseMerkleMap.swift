public import LedgerCrypto

/// The status map (DESIGN.md §3): a sparse Merkle tree over 256-bit keys in which a subtree holding one key is a
/// leaf wherever it sits, so a path is as long as the keys around it make it (about log2 n + 2 for n random keys),
/// not 256.
///
/// Updates are incremental: a batch walks only the paths of its changed keys, costing O(changed keys × depth)
/// hashes and node reads, whatever the size of the map; what it writes reaches the store as one `MapNodeWrites`.
/// Values themselves are not kept, only their hashes: the owner of the map (the Registry) knows each value.
///
/// Not `Sendable` (it owns a hasher): one writer owns it; readers ask it for proofs between batches.
public struct SparseMerkleMap<Store: MapNodeStore> {
    /// The nodes.
    public private(set) var store: Store
    /// The map root (32 zero bytes when empty).
    public private(set) var root: Hash256
    private let hasher: MapHasher

    /// The map whose nodes `store` holds.
    public init(store: Store, hasher: MapHasher = MapHasher()) throws {
        self.store = store
        self.hasher = hasher
        self.root = try store.node(at: .root).hash(using: hasher)
    }

    /// Applies a batch of changes and returns the new root. Later changes of the same key win over earlier ones;
    /// removing an absent key is no change. `version` names the state the batch makes (the tree size of its
    /// `map.root` entry) for stores that keep history; a store that does requires it.
    @discardableResult
    public mutating func update(_ changes: [MapChange], version: UInt64? = nil) throws -> Hash256 {
        guard !changes.isEmpty || version != nil else { return root }
        // The compact trie keeps no history and nobody waits for its writes: it changes its slots in place, with
        // the same nodes and root as `prepare` and `apply` would give.
        if let trie = store as? TrieMapNodeStore {
            root = trie.update(Self.latestPerKey(changes)[...], hasher: hasher)
            return root
        }
        try apply(try prepare(changes, version: version))
        return root
    }

    /// Makes writes from `prepare` current: the store applies them (all or none) and the root moves on. Nothing else
    /// may change the map between the two calls.
    public mutating func apply(_ writes: MapNodeWrites) throws {
        try store.apply(writes)
        root = writes.root
    }

    /// What `update` would write, without writing it: the nodes and the root after `changes` (`writes.root`), for
    /// a writer that must know the new root before it may keep it (the sequencer learns whether a batch is stored
    /// only after the batch, with its root, is written). Apply them with `apply(_:)` or drop them.
    public func prepare(_ changes: [MapChange], version: UInt64? = nil) throws -> MapNodeWrites {
        let unique = Self.latestPerKey(changes)
        // A small batch writes most of a path per key (≈ depth − log2 of the batch), a large one ≈ 2.4 positions per
        // key: room for the common case, growth beyond it.
        var writes = MapNodeWrites(capacity: unique.count * 16 + 64)
        writes.version = version
        let old = try store.node(at: .root)
        let newRoot = unique.isEmpty ? old : try update(.root, old: old, changes: unique[...], writes: &writes)
        if !unique.isEmpty { writes.set(newRoot, at: .root) }
        writes.root = newRoot.hash(using: hasher)
        return writes
    }

    /// `changes` sorted by key with the last change of each key kept: each subtree's changes are then one
    /// contiguous run.
    static func latestPerKey(_ changes: [MapChange]) -> [MapChange] {
        let ordered = changes.enumerated().sorted { a, b in
            a.element.key == b.element.key ? a.offset < b.offset
                : a.element.key.lexicographicallyPrecedes(b.element.key)
        }
        var unique: [MapChange] = []
        unique.reserveCapacity(ordered.count)
        for (_, change) in ordered {
            if let last = unique.last, last.key == change.key {
                unique[unique.count - 1] = change
            } else {
                unique.append(change)
            }
        }
        return unique
    }

    /// The proof for `key` (a tree key) in the current version: presence if the key is in the map, else absence.
    public func proof(for key: Hash256) throws -> MapProof {
        var id = MapNodeID.root
        var node = try store.node(at: id)
        var siblings: [Hash256?] = []
        siblings.reserveCapacity(32)
        while case .branch = node {
            let right = key.bit(id.depth)
            let sibling = try store.node(at: id.child(right: !right))
            siblings.append(sibling.map { $0.hash(using: hasher) })
            id = id.child(right: right)
            node = try store.node(at: id)
        }
        guard case let .leaf(leafKey, valueHash) = node else {
            return MapProof(siblings: siblings, terminal: nil)
        }
        return MapProof(siblings: siblings, terminal: MapProof.Terminal(key: leafKey, valueHash: valueHash))
    }

    /// The proof for a map key string.
    public func proof(for key: String) throws -> MapProof {
        try proof(for: hasher.treeKey(key))
    }

    /// The new node at `id` after `changes` (non-empty, sorted, one per key, all under `id`). Writes every changed
    /// position strictly below `id`; the caller writes `id` itself.
    private func update(_ id: MapNodeID, old: MapNode?, changes: ArraySlice<MapChange>,
                        writes: inout MapNodeWrites) throws -> MapNode? {
        guard case .branch = old else {
            // An empty or one-key subtree has nothing stored below it: rebuild it from its few keys.
            var oldLeaf: (key: Hash256, valueHash: Hash256)?
            if case let .leaf(key, valueHash) = old { oldLeaf = (key, valueHash) }
            return build(id, entries: Self.leaves(replacing: oldLeaf, with: changes)[...], writes: &writes)
        }
        let split = Self.firstRight(changes.startIndex, changes.endIndex, depth: id.depth) { changes[$0].key }
        let leftID = id.child(right: false)
        let rightID = id.child(right: true)
        let leftChanges = changes[..<split]
        let rightChanges = changes[split...]
        let oldLeft = try store.node(at: leftID)
        let oldRight = try store.node(at: rightID)
        let left = leftChanges.isEmpty ? oldLeft : try update(leftID, old: oldLeft, changes: leftChanges,
                                                               writes: &writes)
        let right = rightChanges.isEmpty ? oldRight : try update(rightID, old: oldRight, changes: rightChanges,
                                                                 writes: &writes)
        switch (left, right) {
        case (nil, nil):
            writes.set(nil, at: leftID)
            writes.set(nil, at: rightID)
            return nil
        case (let leaf?, nil) where leaf.isLeaf, (nil, let leaf?) where leaf.isLeaf:
            // One key left in this subtree: it moves up to here.
            writes.set(nil, at: leftID)
            writes.set(nil, at: rightID)
            return leaf
        default:
            if !leftChanges.isEmpty { writes.set(left, at: leftID) }
            if !rightChanges.isEmpty { writes.set(right, at: rightID) }
            return .branch(hasher.nodeHash(left.hash(using: hasher), right.hash(using: hasher)))
        }
    }

    /// The subtree at `id` holding exactly `entries` (sorted, distinct keys under `id`), where nothing is stored
    /// below `id` yet. Writes its nodes strictly below `id`.
    private func build(_ id: MapNodeID, entries: ArraySlice<(key: Hash256, valueHash: Hash256)>,
                       writes: inout MapNodeWrites) -> MapNode? {
        switch entries.count {
        case 0:
            return nil
        case 1:
            return .leaf(key: entries.first!.key, valueHash: entries.first!.valueHash)
        default:
            let split = Self.firstRight(entries.startIndex, entries.endIndex, depth: id.depth) { entries[$0].key }
            let leftID = id.child(right: false)
            let rightID = id.child(right: true)
            let left = build(leftID, entries: entries[..<split], writes: &writes)
            let right = build(rightID, entries: entries[split...], writes: &writes)
            if let left { writes.set(left, at: leftID) }
            if let right { writes.set(right, at: rightID) }
            return .branch(hasher.nodeHash(left.hash(using: hasher), right.hash(using: hasher)))
        }
    }

    /// The leaves of a subtree that held at most `old` once `changes` (sorted, one per key) are made, in key order:
    /// every change with a value, and `old` unless a change names its key.
    static func leaves(replacing old: (key: Hash256, valueHash: Hash256)?, with changes: ArraySlice<MapChange>)
        -> [(key: Hash256, valueHash: Hash256)] {
        var entries: [(key: Hash256, valueHash: Hash256)] = []
        entries.reserveCapacity(changes.count + 1)
        var oldLeaf = old
        for change in changes {
            if let leaf = oldLeaf, leaf.key.lexicographicallyPrecedes(change.key) {
                entries.append(leaf)
                oldLeaf = nil
            } else if let leaf = oldLeaf, leaf.key == change.key {
                oldLeaf = nil
            }
            if let valueHash = change.valueHash { entries.append((change.key, valueHash)) }
        }
        if let leaf = oldLeaf { entries.append(leaf) }
        return entries
    }

    /// The first index in `low ..< high` whose key has bit `depth` set, the keys being sorted.
    @inline(__always)
    static func firstRight(_ low: Int, _ high: Int, depth: Int, key: (Int) -> Hash256) -> Int {
        var low = low
        var high = high
        while low < high {
            let mid = (low + high) / 2
            if key(mid).bit(depth) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

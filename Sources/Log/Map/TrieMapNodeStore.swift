public import LedgerCrypto

/// The status map's nodes in memory as a trie in flat arrays: each stored position is a 16-byte slot holding its two
/// children's slot numbers and its node's place in the branch-hash (32 bytes) or leaf (64 bytes) array. About 150
/// bytes per key against `MemoryMapNodeStore`'s dictionary's 700, for the audit, which keeps a whole ledger's map
/// in memory while it walks the log.
///
/// A position is found by walking from the root along its prefix's bits; the path of the last look-up is kept, so
/// the next one — the map reads the nodes of one key's path in turn, and a node's sibling after it — starts where the
/// two prefixes part. Every ancestor of a stored node is itself stored (a branch), so slots are exactly the stored
/// nodes. One owner (a class: the kept path must not be shared by copies).
public final class TrieMapNodeStore: MapNodeStore {
    struct Slot {
        var left: UInt32 = 0
        var right: UInt32 = 0
        /// Index into `branches` (kind 1) or `leaves` (kind 2).
        var payload: UInt32 = 0
        /// 0: no node here (only while the slot is being filled or emptied), 1: branch, 2: leaf.
        var kind: UInt8 = 0
    }

    /// A stored leaf: its tree key and its value hash.
    typealias Leaf = (key: Hash256, valueHash: Hash256)

    /// Slot 0 is the root; a child number 0 means "no child" (the root is nobody's child).
    private var slots: [Slot] = [Slot()]
    private var freeSlots: [UInt32] = []
    private var branches: [Hash256] = []
    private var freeBranches: [UInt32] = []
    private var leaves: [Leaf] = []
    private var freeLeaves: [UInt32] = []
    /// The prefix of the last position looked up, and the slots along it from the root (`pathSlots[d]` at depth d).
    private var pathKey = Hash256.zero
    private var pathSlots: [UInt32] = [0]

    public init() {}

    /// The number of stored (non-empty) subtrees.
    public var count: Int {
        slots.count - freeSlots.count - (slots[0].kind == 0 ? 1 : 0)
    }

    public func node(at id: MapNodeID) -> MapNode? {
        guard let slot = find(id) else { return nil }
        let found = slots[Int(slot)]
        switch found.kind {
        case 1: return .branch(branches[Int(found.payload)])
        case 2:
            let leaf = leaves[Int(found.payload)]
            return .leaf(key: leaf.key, valueHash: leaf.valueHash)
        default: return nil
        }
    }

    /// The slot at `id`, walking from the deepest slot the last path shares with it; nil when no node is stored there.
    private func find(_ id: MapNodeID) -> UInt32? {
        var depth = min(id.depth, pathSlots.count - 1, id.prefix.commonPrefixLength(with: pathKey))
        var slot = pathSlots[depth]
        pathSlots.removeSubrange((depth + 1)...)
        pathKey = id.prefix
        while depth < id.depth {
            let here = slots[Int(slot)]
            let child = id.prefix.bit(depth) ? here.right : here.left
            guard child != 0 else { return nil }
            slot = child
            depth += 1
            pathSlots.append(slot)
        }
        return slot
    }

    public func apply(_ writes: MapNodeWrites) {
        // The kept path may name slots a write frees or reuses.
        pathKey = .zero
        pathSlots = [0]
        for (id, node) in writes.nodes {
            if let node { set(node, at: id) } else { clear(id) }
        }
    }

    /// `SparseMerkleMap.update` done on the slots themselves (the map calls it for this store): the same nodes and
    /// root as its `prepare` and `apply`, without a `MapNodeWrites` list, without looking each written position up
    /// from the root again, and without the two look-ups per level of `node(at:)`. `changes` are sorted by key, one
    /// per key. Returns the new root.
    func update(_ changes: ArraySlice<MapChange>, hasher: MapHasher) -> Hash256 {
        // The kept path may name slots the update frees or reuses.
        pathKey = .zero
        pathSlots = [0]
        if !changes.isEmpty { update(slot: 0, depth: 0, changes: changes, hasher: hasher) }
        return hash(stored: 0, hasher)
    }

    /// The subtree at `slot` (depth `depth`) after `changes` (non-empty, sorted, one per key, all under it). Leaves
    /// the slot empty (kind 0, no children) when no key is left: the caller unlinks it.
    private func update(slot: UInt32, depth: Int, changes: ArraySlice<MapChange>, hasher: MapHasher) {
        let here = slots[Int(slot)]
        guard here.kind == 1 else {
            // An empty or one-key subtree has nothing stored below it: rebuild it from its few keys.
            let entries = SparseMerkleMap<TrieMapNodeStore>.leaves(
                replacing: here.kind == 2 ? leaves[Int(here.payload)] : nil, with: changes)
            releasePayload(of: slot)
            build(slot: slot, depth: depth, entries: entries[...], hasher: hasher)
            return
        }
        let split = SparseMerkleMap<TrieMapNodeStore>.firstRight(changes.startIndex, changes.endIndex,
                                                                 depth: depth) { changes[$0].key }
        if split > changes.startIndex {
            updateChild(of: slot, right: false, depth: depth, changes: changes[..<split], hasher: hasher)
        }
        if split < changes.endIndex {
            updateChild(of: slot, right: true, depth: depth, changes: changes[split...], hasher: hasher)
        }
        let left = slots[Int(slot)].left, right = slots[Int(slot)].right
        let leftKind = left == 0 ? 0 : slots[Int(left)].kind, rightKind = right == 0 ? 0 : slots[Int(right)].kind
        switch (leftKind, rightKind) {
        case (0, 0):
            releasePayload(of: slot)
        case (2, 0), (0, 2):
            // One key left in this subtree: its leaf moves up to here.
            let child = leftKind == 2 ? left : right
            releasePayload(of: slot)
            slots[Int(slot)].kind = 2
            slots[Int(slot)].payload = slots[Int(child)].payload
            slots[Int(child)].kind = 0
            unlink(child, from: slot, right: leftKind != 2)
        default:
            branches[Int(here.payload)] = hasher.nodeHash(hash(of: left, hasher), hash(of: right, hasher))
        }
    }

    /// Updates the child of `slot` on one side (making a slot for it if that subtree was empty), and unlinks it if
    /// it ends empty.
    private func updateChild(of slot: UInt32, right: Bool, depth: Int, changes: ArraySlice<MapChange>,
                             hasher: MapHasher) {
        var child = right ? slots[Int(slot)].right : slots[Int(slot)].left
        if child == 0 {
            child = allocateSlot()
            if right { slots[Int(slot)].right = child } else { slots[Int(slot)].left = child }
        }
        update(slot: child, depth: depth + 1, changes: changes, hasher: hasher)
        if slots[Int(child)].kind == 0 { unlink(child, from: slot, right: right) }
    }

    /// The subtree at `slot` (empty, no children) holding exactly `entries` (sorted, distinct keys under it).
    private func build(slot: UInt32, depth: Int, entries: ArraySlice<Leaf>, hasher: MapHasher) {
        switch entries.count {
        case 0:
            return
        case 1:
            slots[Int(slot)].payload = allocate(&leaves, &freeLeaves, entries.first!)
            slots[Int(slot)].kind = 2
        default:
            let split = SparseMerkleMap<TrieMapNodeStore>.firstRight(entries.startIndex, entries.endIndex,
                                                                     depth: depth) { entries[$0].key }
            var left: UInt32 = 0, right: UInt32 = 0
            if split > entries.startIndex {
                left = allocateSlot()
                slots[Int(slot)].left = left
                build(slot: left, depth: depth + 1, entries: entries[..<split], hasher: hasher)
            }
            if split < entries.endIndex {
                right = allocateSlot()
                slots[Int(slot)].right = right
                build(slot: right, depth: depth + 1, entries: entries[split...], hasher: hasher)
            }
            let branchHash = hasher.nodeHash(hash(of: left, hasher), hash(of: right, hasher))
            slots[Int(slot)].payload = allocate(&branches, &freeBranches, branchHash)
            slots[Int(slot)].kind = 1
        }
    }

    /// The hash of the child subtree at `slot` (0: no child, the empty subtree's).
    private func hash(of slot: UInt32, _ hasher: MapHasher) -> Hash256 {
        slot == 0 ? MapHasher.empty : hash(stored: slot, hasher)
    }

    /// The hash of the subtree at `slot` (the root's for 0; an empty slot's is the empty subtree's).
    private func hash(stored slot: UInt32, _ hasher: MapHasher) -> Hash256 {
        let here = slots[Int(slot)]
        switch here.kind {
        case 1: return branches[Int(here.payload)]
        case 2:
            let leaf = leaves[Int(here.payload)]
            return hasher.leafHash(key: leaf.key, valueHash: leaf.valueHash)
        default: return MapHasher.empty
        }
    }

    /// Frees `child`, an empty slot with no children, and clears its parent's link to it.
    private func unlink(_ child: UInt32, from parent: UInt32, right: Bool) {
        if right { slots[Int(parent)].right = 0 } else { slots[Int(parent)].left = 0 }
        freeSlots.append(child)
    }

    private func set(_ node: MapNode, at id: MapNodeID) {
        var slot: UInt32 = 0
        for depth in 0..<id.depth {
            let right = id.prefix.bit(depth)
            var child = right ? slots[Int(slot)].right : slots[Int(slot)].left
            if child == 0 {
                child = allocateSlot()
                if right { slots[Int(slot)].right = child } else { slots[Int(slot)].left = child }
            }
            slot = child
        }
        releasePayload(of: slot)
        switch node {
        case let .branch(hash):
            let index = allocate(&branches, &freeBranches, hash)
            slots[Int(slot)].kind = 1
            slots[Int(slot)].payload = index
        case let .leaf(key, valueHash):
            let index = allocate(&leaves, &freeLeaves, (key: key, valueHash: valueHash))
            slots[Int(slot)].kind = 2
            slots[Int(slot)].payload = index
        }
    }

    private func clear(_ id: MapNodeID) {
        var path: [UInt32] = [0]
        path.reserveCapacity(id.depth + 1)
        var slot: UInt32 = 0
        for depth in 0..<id.depth {
            let child = id.prefix.bit(depth) ? slots[Int(slot)].right : slots[Int(slot)].left
            guard child != 0 else { return }
            slot = child
            path.append(slot)
        }
        releasePayload(of: slot)
        // Unlink slots left with neither a node nor children, bottom-up (never the root).
        var depth = id.depth
        while depth > 0 {
            let here = slots[Int(path[depth])]
            guard here.kind == 0, here.left == 0, here.right == 0 else { break }
            let parent = Int(path[depth - 1])
            if id.prefix.bit(depth - 1) { slots[parent].right = 0 } else { slots[parent].left = 0 }
            freeSlots.append(path[depth])
            depth -= 1
        }
    }

    private func releasePayload(of slot: UInt32) {
        let here = slots[Int(slot)]
        switch here.kind {
        case 1: freeBranches.append(here.payload)
        case 2: freeLeaves.append(here.payload)
        default: break
        }
        slots[Int(slot)].kind = 0
    }

    private func allocateSlot() -> UInt32 {
        if let reused = freeSlots.popLast() {
            slots[Int(reused)] = Slot()
            return reused
        }
        slots.append(Slot())
        return UInt32(slots.count - 1)
    }

    private func allocate<T>(_ array: inout [T], _ free: inout [UInt32], _ value: T) -> UInt32 {
        if let reused = free.popLast() {
            array[Int(reused)] = value
            return reused
        }
        array.append(value)
        return UInt32(array.count - 1)
    }
}

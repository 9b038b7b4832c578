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

    struct Leaf {
        let key: Hash256
        let valueHash: Hash256
    }

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
            let index = allocate(&leaves, &freeLeaves, Leaf(key: key, valueHash: valueHash))
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

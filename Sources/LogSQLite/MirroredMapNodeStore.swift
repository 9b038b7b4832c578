public import LedgerCrypto
public import Log
import Synchronization

/// The status map's SQLite file with its current version mirrored in memory: the sequencer's batches read nodes from
/// memory (a dictionary look-up, where an SQL query per node cost several times the update itself) and write
/// through to the file, which keeps every version for proofs at older sizes and is the copy that survives a restart.
///
/// The mirror costs what `MemoryMapNodeStore` costs (≈ 2.4 nodes per key, a few hundred bytes per key) and the
/// version of each node's row besides (`VersionedMapNodes`): a batch that rewrites a branch names its children's
/// rows, and for a child the batch left alone the mirror knows which. It is either loaded from the file at open
/// (`init(file:)`), or starts partial (`init(partial:)`) so that a daemon serves at once: a position it does not know
/// yet is read from the file (down from the root row, one primary-key look-up per level) and remembered, found or
/// empty, until another thread has read the whole current version on a connection of its own and handed it over
/// (`offer(_:version:)`); the next access merges it, what this mirror learnt since (read or written, so as new or
/// newer) winning. Reading a million-key map's current version takes seconds (a look-up per node); the partial
/// mirror's first batches pay a few look-ups per unknown position instead. A write reaches memory only after the
/// file's transaction committed, so the two never disagree about a version that was made.
///
/// Not thread-safe: one owner, as `SQLiteMapNodeStore` (only `offer` may be called from another thread).
public final class MirroredMapNodeStore: VersionedMapNodeStore {
    /// The file.
    public let file: SQLiteMapNodeStore
    private var memory: VersionedMapNodes
    /// Positions read from the file and found empty, while the mirror is partial.
    private var empty: Set<MapNodeID> = []
    /// Whether `memory` holds the whole current version.
    public private(set) var isComplete: Bool
    /// A whole version read by another thread, waiting for the owner's next access.
    private let offered = Mutex<(nodes: VersionedMapNodes, version: UInt64?)?>(nil)
    private let hasOffer = Atomic<Bool>(false)

    /// Mirrors the latest version of `file`, read now.
    public init(file: SQLiteMapNodeStore) throws {
        self.file = file
        memory = try file.currentNodesWithVersion().nodes
        isComplete = true
    }

    /// A partial mirror of `file`: complete at once for a file with no batch yet, else filled as positions are
    /// read and completed by `offer`.
    public init(partial file: SQLiteMapNodeStore) {
        self.file = file
        memory = VersionedMapNodes()
        isComplete = file.version == nil
    }

    /// The latest version in the file; nil before the first batch.
    public var version: UInt64? { file.version }

    public func node(at id: MapNodeID) throws -> MapNode? {
        if let node = memory.node(at: id) { return node }
        return try fetch(id)?.node
    }

    /// A position the mirror did not hold when the caller looked: read from the file (and remembered) while the
    /// mirror is partial; once complete (possibly just now, by a merge during an earlier fetch of the same caller),
    /// memory's answer.
    private func fetch(_ id: MapNodeID) throws -> (node: MapNode, version: UInt64)? {
        if isComplete { return memory.node(at: id).map { ($0, memory.rowVersion(at: id)) } }
        if hasOffer.load(ordering: .acquiring) {
            merge()
            return memory.node(at: id).map { ($0, memory.rowVersion(at: id)) }
        }
        if empty.contains(id) { return nil }
        guard let found = try file.located(id) else {
            empty.insert(id)
            return nil
        }
        memory.set(found.node, version: found.version, at: id)
        return found
    }

    public func apply(_ writes: MapNodeWrites) throws {
        try file.apply(writes) { id in
            let known = memory.rowVersion(at: id)
            return known != 0 ? known : try fetch(id)?.version ?? 0
        }
        // `file.apply` refuses a batch without a version.
        memory.apply(writes, version: writes.version ?? 0)
        guard !isComplete else { return }
        for (id, node) in writes.nodes {
            if node == nil { empty.insert(id) } else { empty.remove(id) }
        }
        if hasOffer.load(ordering: .acquiring) { merge() }
    }

    /// Hands over the whole current version of the file as read on another connection (`currentNodesWithVersion`):
    /// the owner merges it at its next access. May be called from any thread; ignored once complete.
    public func offer(_ nodes: sending VersionedMapNodes, version: UInt64?) {
        offered.withLock { $0 = (nodes, version) }
        hasOffer.store(true, ordering: .releasing)
    }

    /// Takes the offered version as the base and puts on it everything this mirror learnt itself: positions read or
    /// written since it was made are at least as new as the offered version (a reader's version never runs ahead of
    /// the file's writer, which is this mirror's owner), and every other position is unchanged since.
    private func merge() {
        hasOffer.store(false, ordering: .relaxed)
        let taken = offered.withLock { offer -> (nodes: VersionedMapNodes, version: UInt64?)? in
            defer { offer = nil }
            return offer
        }
        guard let (loaded, loadedVersion) = taken.map({ ($0.nodes, $0.version) }), !isComplete,
              loadedVersion ?? 0 <= file.version ?? 0 else { return }
        var merged = loaded
        for (id, node, version) in memory.entries { merged.set(node, version: version, at: id) }
        for id in empty { merged.set(nil, version: 0, at: id) }
        memory = merged
        empty = []
        isComplete = true
    }

    public func root(atVersion version: UInt64) throws -> Hash256? {
        try file.root(atVersion: version)
    }

    public func view(atVersion version: UInt64) throws -> SQLiteMapNodeStore {
        try file.view(atVersion: version)
    }
}

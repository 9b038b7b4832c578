public import LedgerCrypto
public import Log
import Synchronization

/// The status map's SQLite file with its current version mirrored in memory: the sequencer's batches read nodes from
/// memory (a dictionary look-up, where an SQL query per node cost several times the update itself) and write
/// through to the file, which keeps every version for proofs at older sizes and is the copy that survives a restart.
///
/// The mirror costs what `MemoryMapNodeStore` costs (≈ 2.4 nodes per key, a few hundred bytes per key). It is
/// either loaded from the file at open, in one pass over its rows (`init(file:)`), or starts partial
/// (`init(partial:)`) so that a daemon serves at once: a position it does not know yet is read from the file (one
/// indexed query) and remembered, found or empty, until another thread has read the whole current version on a
/// connection of its own and handed it over (`offer(_:version:)`); the next access merges it, what this mirror
/// learnt since (read or written, so as new or newer) winning. Loading a million-entry map's history takes tens of
/// seconds; the partial mirror's first batches pay one query per unknown position instead. A write reaches memory
/// only after the file's transaction committed, so the two never disagree about a version that was made.
///
/// Not thread-safe: one owner, as `SQLiteMapNodeStore` (only `offer` may be called from another thread).
public final class MirroredMapNodeStore: VersionedMapNodeStore {
    /// The file.
    public let file: SQLiteMapNodeStore
    private var memory: MemoryMapNodeStore
    /// Positions read from the file and found empty, while the mirror is partial.
    private var empty: Set<MapNodeID> = []
    /// Whether `memory` holds the whole current version.
    public private(set) var isComplete: Bool
    /// A whole version read by another thread, waiting for the owner's next access.
    private let offered = Mutex<(nodes: MemoryMapNodeStore, version: UInt64?)?>(nil)
    private let hasOffer = Atomic<Bool>(false)

    /// Mirrors the latest version of `file`, read now.
    public init(file: SQLiteMapNodeStore) throws {
        self.file = file
        memory = try file.currentNodes()
        isComplete = true
    }

    /// A partial mirror of `file`: complete at once for a file with no batch yet, else filled as positions are
    /// read and completed by `offer`.
    public init(partial file: SQLiteMapNodeStore) {
        self.file = file
        memory = MemoryMapNodeStore()
        isComplete = file.version == nil
    }

    /// The latest version in the file; nil before the first batch.
    public var version: UInt64? { file.version }

    public func node(at id: MapNodeID) throws -> MapNode? {
        if let node = memory.node(at: id) { return node }
        if isComplete { return nil }
        if hasOffer.load(ordering: .acquiring) {
            merge()
            return memory.node(at: id)
        }
        if empty.contains(id) { return nil }
        guard let node = try file.node(at: id) else {
            empty.insert(id)
            return nil
        }
        memory.insert(node, at: id)
        return node
    }

    public func apply(_ writes: MapNodeWrites) throws {
        try file.apply(writes)
        memory.apply(writes)
        guard !isComplete else { return }
        for (id, node) in writes.nodes {
            if node == nil { empty.insert(id) } else { empty.remove(id) }
        }
        if hasOffer.load(ordering: .acquiring) { merge() }
    }

    /// Hands over the whole current version of the file as read on another connection (`currentNodesWithVersion`):
    /// the owner merges it at its next access. May be called from any thread; ignored once complete.
    public func offer(_ nodes: sending MemoryMapNodeStore, version: UInt64?) {
        offered.withLock { $0 = (nodes, version) }
        hasOffer.store(true, ordering: .releasing)
    }

    /// Takes the offered version as the base and puts on it everything this mirror learnt itself: positions read or
    /// written since it was made are at least as new as the offered version (a reader's version never runs ahead of
    /// the file's writer, which is this mirror's owner), and every other position is unchanged since.
    private func merge() {
        hasOffer.store(false, ordering: .relaxed)
        let taken = offered.withLock { offer -> (nodes: MemoryMapNodeStore, version: UInt64?)? in
            defer { offer = nil }
            return offer
        }
        guard let (loaded, loadedVersion) = taken.map({ ($0.nodes, $0.version) }), !isComplete,
              loadedVersion ?? 0 <= file.version ?? 0 else { return }
        var merged = loaded
        for (id, node) in memory.nodes { merged.insert(node, at: id) }
        for id in empty { merged.remove(at: id) }
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

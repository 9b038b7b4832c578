public import LedgerCrypto
public import Log

/// The status map's SQLite file with its current version mirrored in memory: the sequencer's batches read nodes from
/// memory (a dictionary look-up, where an SQL query per node cost several times the update itself) and write
/// through to the file, which keeps every version for proofs at older sizes and is the copy that survives a restart.
///
/// The mirror costs what `MemoryMapNodeStore` costs (≈ 2.4 nodes per key, a few hundred bytes per key) and is loaded
/// from the file at open, in one pass over its rows. A write reaches memory only after the file's transaction
/// committed, so the two never disagree about a version that was made.
///
/// Not thread-safe: one owner, as `SQLiteMapNodeStore`.
public final class MirroredMapNodeStore: VersionedMapNodeStore {
    /// The file.
    public let file: SQLiteMapNodeStore
    private var memory: MemoryMapNodeStore

    /// Mirrors the latest version of `file`.
    public init(file: SQLiteMapNodeStore) throws {
        self.file = file
        memory = try file.currentNodes()
    }

    /// The latest version in the file; nil before the first batch.
    public var version: UInt64? { file.version }

    public func node(at id: MapNodeID) -> MapNode? {
        memory.node(at: id)
    }

    public func apply(_ writes: MapNodeWrites) throws {
        try file.apply(writes)
        memory.apply(writes)
    }

    public func root(atVersion version: UInt64) throws -> Hash256? {
        try file.root(atVersion: version)
    }

    public func view(atVersion version: UInt64) throws -> SQLiteMapNodeStore {
        try file.view(atVersion: version)
    }
}

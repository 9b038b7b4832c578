import CSQLite
public import LedgerCrypto
public import Log

/// The status map's nodes in an SQLite file of their own, with history: every batch adds rows under its version
/// (the tree size of its `map.root` entry), so the map can be read, and proven from, at any version it went
/// through (docs/design-notes.md, "Status map storage").
///
/// Durability: `apply` writes a batch's nodes and its root in one `BEGIN IMMEDIATE` transaction in WAL mode, so a
/// batch is there whole or not at all. The file is apart from the log's: the map is a function of the log, so a map
/// behind the log (a crash between the two commits, or a power cut that took its last commits) catches up at start
/// by replaying the keys of the missing batches, and the log's schema and start-up checks stay its own. Hence
/// `synchronous=NORMAL`: a commit is not fsync'd (the log's is), which takes the second fsync off every batch; the
/// map is never ahead of the log, since each batch's nodes are written after the log holds the batch.
///
/// Not thread-safe: one owner (the writer of the map) uses it, as `SparseMerkleMap` is used.
public final class SQLiteMapNodeStore: VersionedMapNodeStore {
    /// "CLmp" in ASCII: the SQLite header's application ID of a status-map file.
    static let applicationID: Int32 = 0x434C_6D70
    /// The schema this build writes and reads.
    static let schemaVersion: Int32 = 1

    /// - map_nodes: (depth, prefix, version) → the node at that position from that version on. A leaf has `key`
    ///   and `value_hash`, a branch `hash`, a position the version emptied none of them. `prefix` is the first
    ///   ⌈depth/8⌉ bytes of the subtree's key prefix.
    /// - map_versions: version → the map root after it.
    static let ddl = """
        CREATE TABLE map_nodes (
            depth INTEGER NOT NULL CHECK (depth BETWEEN 0 AND 256),
            prefix BLOB NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 0),
            key BLOB,
            value_hash BLOB,
            hash BLOB,
            PRIMARY KEY (depth, prefix, version)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE map_versions (
            version INTEGER PRIMARY KEY CHECK (version >= 0),
            root BLOB NOT NULL CHECK (length(root) = 32)
        ) STRICT;
        PRAGMA application_id = \(applicationID);
        PRAGMA user_version = \(schemaVersion);
        """

    private let db: SQLiteConnection
    /// The latest version applied; nil before the first.
    public private(set) var version: UInt64?
    /// The version reads answer for: the latest, unless this is a view of an older one.
    private let pinned: UInt64?

    private init(db: SQLiteConnection, pinned: UInt64?) throws {
        self.db = db
        self.pinned = pinned
        var latest: UInt64?
        try db.run("SELECT max(version) FROM map_versions") { row in
            if !row.isNull(0) { latest = UInt64(row.integer(0)) }
        }
        self.version = latest
    }

    /// Creates a map file at `path`, which must not exist.
    public static func create(path: String) throws -> SQLiteMapNodeStore {
        let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                      busyTimeoutMilliseconds: 5_000)
        guard try db.scalarText("PRAGMA user_version") == "0",
              try db.scalarText("SELECT count(*) FROM sqlite_schema") == "0" else {
            throw LogStoreError(.conflict, "\(path) already holds an SQLite database; a map file is created new")
        }
        try db.exec("PRAGMA journal_mode = WAL")
        try db.exec("BEGIN IMMEDIATE; \(ddl) COMMIT;")
        return try open(db: db, path: path)
    }

    /// Opens an existing map file.
    public static func open(path: String) throws -> SQLiteMapNodeStore {
        let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE, busyTimeoutMilliseconds: 5_000)
        return try open(db: db, path: path)
    }

    private static func open(db: SQLiteConnection, path: String) throws -> SQLiteMapNodeStore {
        let application = Int32(try db.scalarText("PRAGMA application_id") ?? "0") ?? 0
        let schema = Int32(try db.scalarText("PRAGMA user_version") ?? "0") ?? 0
        guard application == applicationID, schema == schemaVersion else {
            throw LogStoreError(.corrupt, "\(path) is not a status-map file of schema \(schemaVersion) "
                + "(application_id 0x\(String(UInt32(bitPattern: application), radix: 16)), schema \(schema))")
        }
        // The log's writer settings, but synchronous=NORMAL (derived data, see above), read back; the WAL with its
        // index kept when the last connection closes, so the map opens again on a full disk or a read-only folder.
        try SQLiteSchema.configureWriter(db, derived: true)
        return try SQLiteMapNodeStore(db: db, pinned: nil)
    }

    /// The map root recorded for `version`; nil if no batch made that version.
    public func root(atVersion version: UInt64) throws -> Hash256? {
        var root: Hash256?
        try db.run("SELECT root FROM map_versions WHERE version = ?", [.integer(Int64(version))]) { row in
            root = Hash256(bytes: row.blob(0))
        }
        return root
    }

    /// The map as it stood after the latest batch at or before `version`: read-only, for proofs at an older
    /// checkpointed size. It shares this store's connection: use it from the same owner.
    public func view(atVersion version: UInt64) throws -> SQLiteMapNodeStore {
        try SQLiteMapNodeStore(db: db, pinned: version)
    }

    public func node(at id: MapNodeID) throws -> MapNode? {
        guard let at = pinned ?? version else { return nil }
        var node: MapNode?
        try db.run("""
            SELECT key, value_hash, hash FROM map_nodes WHERE depth = ? AND prefix = ? AND version <= ?
            ORDER BY version DESC LIMIT 1
            """, [.integer(Int64(id.depth)), .blob(Self.prefixBytes(id)), .integer(Int64(at))]) { row in
            if !row.isNull(0), let key = Hash256(bytes: row.blob(0)), let valueHash = Hash256(bytes: row.blob(1)) {
                node = .leaf(key: key, valueHash: valueHash)
            } else if !row.isNull(2), let hash = Hash256(bytes: row.blob(2)) {
                node = .branch(hash)
            } else if !row.isNull(0) || !row.isNull(2) {
                throw LogStoreError(.corrupt, "map node \(id) at version \(at) has malformed hashes")
            }
        }
        return node
    }

    /// Writes a batch's nodes and root under its version, in one transaction. The version must be greater than
    /// every version before it (a view refuses writes).
    public func apply(_ writes: MapNodeWrites) throws {
        guard pinned == nil else {
            throw LogStoreError(.conflict, "a view of the map at version \(pinned!) is read-only")
        }
        guard let next = writes.version else {
            throw LogStoreError(.conflict, "an SQLite map keeps history: a batch must name its version")
        }
        if let version, next <= version {
            throw LogStoreError(.conflict, "map version \(next) is not after the latest, \(version)")
        }
        try db.transaction(immediate: true) {
            let version: SQLiteValue = .integer(Int64(next))
            for (id, node) in writes.nodes {
                let position: [SQLiteValue] = [.integer(Int64(id.depth)), .blob(Self.prefixBytes(id)), version]
                switch node {
                case let .leaf(key, valueHash)?:
                    try db.run("""
                        INSERT INTO map_nodes (depth, prefix, version, key, value_hash) VALUES (?, ?, ?, ?, ?)
                        """, position + [.blob(key.bytes), .blob(valueHash.bytes)])
                case let .branch(hash)?:
                    try db.run("INSERT INTO map_nodes (depth, prefix, version, hash) VALUES (?, ?, ?, ?)",
                               position + [.blob(hash.bytes)])
                case nil:
                    try db.run("INSERT INTO map_nodes (depth, prefix, version) VALUES (?, ?, ?)", position)
                }
            }
            try db.run("INSERT INTO map_versions (version, root) VALUES (?, ?)", [version, .blob(writes.root.bytes)])
        }
        self.version = next
    }

    /// The nodes of the latest version, in memory (`MirroredMapNodeStore`): one pass over the table in key order,
    /// each position's last row kept unless it is a tombstone.
    /// `currentNodes()` and the version they are of, read in one transaction (so that a writer on another
    /// connection cannot slip a batch between the two).
    public func currentNodesWithVersion() throws -> (nodes: MemoryMapNodeStore, version: UInt64?) {
        try db.transaction(immediate: false) {
            var latest: UInt64?
            try db.run("SELECT max(version) FROM map_versions") { row in
                if !row.isNull(0) { latest = UInt64(row.integer(0)) }
            }
            return (try currentNodes(), latest)
        }
    }

    public func currentNodes() throws -> MemoryMapNodeStore {
        var memory = MemoryMapNodeStore()
        var position: (depth: Int64, prefix: [UInt8])?
        var latest: MapNode?
        func flush() throws {
            guard let position, let latest else { return }
            guard let padded = Hash256(bytes: position.prefix + [UInt8](repeating: 0, count: 32 - position.prefix.count))
            else { throw LogStoreError(.corrupt, "map node prefix of \(position.prefix.count) bytes") }
            memory.insert(latest, at: MapNodeID(depth: Int(position.depth), onPathOf: padded))
        }
        try db.run("SELECT depth, prefix, key, value_hash, hash FROM map_nodes ORDER BY depth, prefix, version") { row in
            let depth = row.integer(0)
            let prefix = row.blob(1)
            if let current = position, current.depth != depth || current.prefix != prefix {
                try flush()
                latest = nil
            }
            guard prefix.count <= 32 else { throw LogStoreError(.corrupt, "map node prefix of \(prefix.count) bytes") }
            position = (depth, prefix)
            if !row.isNull(2), let key = Hash256(bytes: row.blob(2)), let valueHash = Hash256(bytes: row.blob(3)) {
                latest = .leaf(key: key, valueHash: valueHash)
            } else if !row.isNull(4), let hash = Hash256(bytes: row.blob(4)) {
                latest = .branch(hash)
            } else {
                latest = nil
            }
        }
        try flush()
        return memory
    }

    /// The stored form of a position's prefix: its first ⌈depth/8⌉ bytes.
    static func prefixBytes(_ id: MapNodeID) -> [UInt8] {
        Array(id.prefix.bytes.prefix((id.depth + 7) / 8))
    }
}

import CSQLite
public import LedgerCrypto
public import Log

/// The status map's nodes in an SQLite file of their own, with history: every batch adds rows under its version
/// (the tree size of its `map.root` entry), so the map can be read, and proven from, at any version it went
/// through (docs/design-notes.md, "Status map storage").
///
/// Rows are keyed by version first, so a batch's rows are appended at the end of the table (a few pages per batch)
/// instead of being scattered over the whole tree by their random positions (a page per row). A branch row names
/// the versions of its two children's rows, so a version is read by descending from its root row, one primary-key
/// look-up per level; no position index is needed.
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
    static let schemaVersion: Int32 = 2

    /// - map_nodes: (version, depth, prefix) → the node written at that position by the batch of that version. A
    ///   leaf has `key` and `value_hash`; a branch has `hash` and the versions of its children's rows
    ///   (`left_version`, `right_version`; NULL for an empty child). `prefix` is the first ⌈depth/8⌉ bytes of the
    ///   subtree's key prefix. Emptied positions have no row: their parent's new row no longer points at them.
    /// - map_versions: version → the map root after it, and the version of the root node's row (NULL: empty map).
    static let ddl = """
        CREATE TABLE map_nodes (
            version INTEGER NOT NULL CHECK (version >= 1),
            depth INTEGER NOT NULL CHECK (depth BETWEEN 0 AND 256),
            prefix BLOB NOT NULL,
            key BLOB,
            value_hash BLOB,
            hash BLOB,
            left_version INTEGER,
            right_version INTEGER,
            PRIMARY KEY (version, depth, prefix)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE map_versions (
            version INTEGER PRIMARY KEY CHECK (version >= 0),
            root BLOB NOT NULL CHECK (length(root) = 32),
            root_version INTEGER
        ) STRICT;
        PRAGMA application_id = \(applicationID);
        PRAGMA user_version = \(schemaVersion);
        """

    /// A stored node with the versions of its children's rows (0: no row, the child is empty; always 0 for a leaf).
    struct Row {
        let node: MapNode
        let left: UInt64
        let right: UInt64

        func child(right isRight: Bool) -> UInt64 { isRight ? right : left }
    }

    private let db: SQLiteConnection
    /// The latest version applied; nil before the first.
    public private(set) var version: UInt64?
    /// The version of the root node's row in the version reads answer for (0: the map is empty).
    private var rootRow: UInt64
    /// The version reads answer for: the latest, unless this is a view of an older one.
    private let pinned: UInt64?
    /// Rows read on the way down from the root, by position, for the version reads answer for (cleared when a
    /// batch makes a new latest version).
    private var rows: [MapNodeID: Row?] = [:]

    private init(db: SQLiteConnection, pinned: UInt64?) throws {
        self.db = db
        self.pinned = pinned
        var latest: UInt64?
        try db.run("SELECT max(version) FROM map_versions") { row in
            if !row.isNull(0) { latest = UInt64(row.integer(0)) }
        }
        self.version = latest
        rootRow = 0
        if let at = pinned ?? latest {
            try db.run("""
                SELECT root_version FROM map_versions WHERE version <= ? ORDER BY version DESC LIMIT 1
                """, [.integer(Int64(at))]) { row in
                rootRow = row.isNull(0) ? 0 : UInt64(row.integer(0))
            }
        }
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

    /// Whether the file at `path` is a status-map file of an older schema than this build's (which it refuses to
    /// open): the map is derived from the log, so such a file is set aside and the map rebuilt.
    public static func isOlderSchema(path: String) -> Bool {
        guard let db = try? SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY, busyTimeoutMilliseconds: 5_000),
              let application = try? db.scalarText("PRAGMA application_id"), Int32(application) == applicationID,
              let schema = try? db.scalarText("PRAGMA user_version"), let number = Int32(schema) else { return false }
        return number >= 1 && number < schemaVersion
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
        try located(id)?.node
    }

    /// The node at `id` with the version of its row, in the version reads answer for; nil when `id` is empty.
    func located(_ id: MapNodeID) throws -> (node: MapNode, version: UInt64)? {
        guard rootRow != 0 else { return nil }
        var position = MapNodeID.root
        var rowVersion = rootRow
        while true {
            guard let row = try self.row(at: position, version: rowVersion) else {
                throw LogStoreError(.corrupt, "map node \(position) has no row at version \(rowVersion), which its "
                                    + "parent names")
            }
            if position.depth == id.depth { return (row.node, rowVersion) }
            guard case .branch = row.node else { return nil }
            let right = id.prefix.bit(position.depth)
            rowVersion = row.child(right: right)
            guard rowVersion != 0 else { return nil }
            position = position.child(right: right)
        }
    }

    /// The row at `position` written by the batch of `version`, read once per store (or per new latest version).
    private func row(at position: MapNodeID, version: UInt64) throws -> Row? {
        if let known = rows[position] { return known }
        var found: Row?
        try db.run("""
            SELECT key, value_hash, hash, left_version, right_version FROM map_nodes
            WHERE version = ? AND depth = ? AND prefix = ?
            """, [.integer(Int64(version)), .integer(Int64(position.depth)), .blob(Self.prefixBytes(position))]) { row in
            found = try Self.decode(row, at: position, version: version)
        }
        if rows.count >= 1 << 16 { rows.removeAll(keepingCapacity: true) }
        rows[position] = found
        return found
    }

    private static func decode(_ row: SQLiteRow, at position: MapNodeID, version: UInt64,
                               columns: (key: Int32, value: Int32, hash: Int32, left: Int32, right: Int32)
                                   = (0, 1, 2, 3, 4)) throws -> Row {
        if !row.isNull(columns.key), let key = Hash256(bytes: row.blob(columns.key)),
           let valueHash = Hash256(bytes: row.blob(columns.value)) {
            return Row(node: .leaf(key: key, valueHash: valueHash), left: 0, right: 0)
        }
        if !row.isNull(columns.hash), let hash = Hash256(bytes: row.blob(columns.hash)) {
            let left = row.isNull(columns.left) ? 0 : UInt64(row.integer(columns.left))
            let right = row.isNull(columns.right) ? 0 : UInt64(row.integer(columns.right))
            guard left <= version, right <= version, left != 0 || right != 0 else {
                throw LogStoreError(.corrupt, "map node \(position) at version \(version) names children at "
                                    + "versions \(left) and \(right)")
            }
            return Row(node: .branch(hash), left: left, right: right)
        }
        throw LogStoreError(.corrupt, "map node \(position) at version \(version) has malformed hashes")
    }

    /// Writes a batch's nodes and root under its version, in one transaction. The version must be greater than
    /// every version before it (a view refuses writes). The rows of the children a batch did not touch are found by
    /// descending from the latest root; `MirroredMapNodeStore` knows them in memory instead.
    public func apply(_ writes: MapNodeWrites) throws {
        try apply(writes) { child in try located(child)?.version ?? 0 }
    }

    /// `apply(_:)`, with `rowVersion` answering the version of the current row at a position the batch did not
    /// write (0 when it is empty).
    func apply(_ writes: MapNodeWrites, rowVersion: (MapNodeID) throws -> UInt64) throws {
        guard pinned == nil else {
            throw LogStoreError(.conflict, "a view of the map at version \(pinned!) is read-only")
        }
        guard let next = writes.version else {
            throw LogStoreError(.conflict, "an SQLite map keeps history: a batch must name its version")
        }
        if let version, next <= version {
            throw LogStoreError(.conflict, "map version \(next) is not after the latest, \(version)")
        }
        var written: [MapNodeID: Bool] = [:]
        written.reserveCapacity(writes.nodes.count)
        for (id, node) in writes.nodes { written[id] = node != nil }
        func childRow(_ id: MapNodeID) throws -> UInt64 {
            if let present = written[id] { return present ? next : 0 }
            return try rowVersion(id)
        }
        // In primary-key order: the batch's rows go to the end of the table, page after page.
        let ordered = writes.nodes.filter { $0.node != nil }.sorted { a, b in
            a.id.depth != b.id.depth ? a.id.depth < b.id.depth : a.id.prefix.lexicographicallyPrecedes(b.id.prefix)
        }
        let newRoot = written[.root].map { $0 ? next : 0 } ?? rootRow
        try db.transaction(immediate: true) {
            let insert = try db.prepared("""
                INSERT INTO map_nodes (version, depth, prefix, key, value_hash, hash, left_version, right_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (id, node) in ordered {
                guard let node else { continue }
                var children: (left: UInt64, right: UInt64) = (0, 0)
                if case .branch = node {
                    children = (try childRow(id.child(right: false)), try childRow(id.child(right: true)))
                }
                try insertRow(insert, version: next, id: id, node: node, children: children)
            }
            try db.run("INSERT INTO map_versions (version, root, root_version) VALUES (?, ?, ?)",
                       [.integer(Int64(next)), .blob(writes.root.bytes), Self.rowValue(newRoot)])
        }
        version = next
        rootRow = newRoot
        rows.removeAll(keepingCapacity: true)
    }

    /// One `map_nodes` row through the prepared `insert`, bound straight from the node's bytes: a batch writes
    /// about twenty rows per changed key, so the generic `run` (a value array and byte copies per row) showed.
    private func insertRow(_ insert: SQLiteStatement, version: UInt64, id: MapNodeID, node: MapNode,
                           children: (left: UInt64, right: UInt64)) throws {
        let handle = insert.handle
        defer { sqlite3_reset(handle) }
        let transient = certledger_sqlite_transient()
        func bind(_ position: Int32, _ hash: Hash256?, count: Int = 32) -> Int32 {
            guard let hash else { return sqlite3_bind_null(handle, position) }
            return hash.withUnsafeBytes { raw in
                sqlite3_bind_blob(handle, position, raw.baseAddress, Int32(count), transient)
            }
        }
        func bind(_ position: Int32, row: UInt64) -> Int32 {
            row == 0 ? sqlite3_bind_null(handle, position) : sqlite3_bind_int64(handle, position, Int64(row))
        }
        var leaf: (key: Hash256, valueHash: Hash256)?
        var branch: Hash256?
        switch node {
        case let .leaf(key, valueHash): leaf = (key, valueHash)
        case let .branch(hash): branch = hash
        }
        let codes: [Int32] = [
            sqlite3_bind_int64(handle, 1, Int64(version)),
            sqlite3_bind_int64(handle, 2, Int64(id.depth)),
            bind(3, id.prefix, count: (id.depth + 7) / 8),
            bind(4, leaf?.key), bind(5, leaf?.valueHash), bind(6, branch),
            bind(7, row: children.left), bind(8, row: children.right),
        ]
        if let failed = codes.first(where: { $0 != SQLITE_OK }) {
            throw db.error(failed, "binding the map node \(id)")
        }
        let rc = sqlite3_step(handle)
        guard rc == SQLITE_DONE else { throw db.error(rc, "writing the map node \(id) at version \(version)") }
    }

    private static func rowValue(_ version: UInt64) -> SQLiteValue {
        version == 0 ? .null : .integer(Int64(version))
    }

    /// The nodes of the latest version with the versions of their rows (`MirroredMapNodeStore`), and that version,
    /// read in one transaction (so that a writer on another connection cannot slip a batch between the two): a walk
    /// down from the root row, one primary-key look-up per non-empty position.
    public func currentNodesWithVersion() throws -> (nodes: VersionedMapNodes, version: UInt64?) {
        try db.transaction(immediate: false) {
            var latest: UInt64?
            var root: UInt64 = 0
            try db.run("SELECT version, root_version FROM map_versions ORDER BY version DESC LIMIT 1") { row in
                latest = UInt64(row.integer(0))
                root = row.isNull(1) ? 0 : UInt64(row.integer(1))
            }
            var nodes = VersionedMapNodes()
            guard root != 0 else { return (nodes, latest) }
            var pending: [(id: MapNodeID, version: UInt64)] = [(.root, root)]
            while let (id, version) = pending.popLast() {
                var found: Row?
                try db.run("""
                    SELECT key, value_hash, hash, left_version, right_version FROM map_nodes
                    WHERE version = ? AND depth = ? AND prefix = ?
                    """, [.integer(Int64(version)), .integer(Int64(id.depth)), .blob(Self.prefixBytes(id))]) { row in
                    found = try Self.decode(row, at: id, version: version)
                }
                guard let found else {
                    throw LogStoreError(.corrupt, "map node \(id) has no row at version \(version), which its parent "
                                        + "names")
                }
                nodes.set(found.node, version: version, at: id)
                if found.left != 0 { pending.append((id.child(right: false), found.left)) }
                if found.right != 0 { pending.append((id.child(right: true), found.right)) }
            }
            return (nodes, latest)
        }
    }

    /// The nodes of the latest version, in memory.
    public func currentNodes() throws -> MemoryMapNodeStore {
        var memory = MemoryMapNodeStore()
        for (id, node) in try currentNodesWithVersion().nodes.nodes { memory.insert(node, at: id) }
        return memory
    }

    /// The stored form of a position's prefix: its first ⌈depth/8⌉ bytes.
    static func prefixBytes(_ id: MapNodeID) -> [UInt8] {
        Array(id.prefix.bytes.prefix((id.depth + 7) / 8))
    }
}

public import LedgerCrypto
public import Log
import Logging
import PostgresNIO

/// The status map's nodes in the ledger's PostgreSQL schema, with history: every batch adds rows under its version
/// (the tree size of its `map.root` entry), so the map can be read, and proven from, at any version it went through
/// — the layout of `SQLiteMapNodeStore`, in two tables beside the log's (`PostgresMapSchema`).
///
/// Durability: `write` puts a batch's nodes and its root in one transaction, committed with the log store's
/// settings (`synchronous_commit` at least `on`), so a version is there whole or not at all. A version is written
/// only after the log holds its batch; the map is a function of the log, so a map behind the log (a crash between
/// the two commits) catches up from the log's entries at the next start.
///
/// Several daemons: each writes every version it goes through, its own batches and the ones it observed; a version
/// already there is not written again, its recorded root compared instead (the same log gives the same map, so a
/// different root is a damaged map: `.corrupt`).
///
/// The API is asynchronous (postgres-nio); the sequencer's map reads memory and queues its writes
/// (`QueuedMapNodeStore`). Thread-safe: every call takes a pooled connection of the log store.
public final class PostgresMapNodeStore: Sendable {
    private let log: PostgresLogStore
    private let schema: PostgresMapSchema
    /// Whether this store may write (false on a read-only daemon: the map is read as the primary wrote it).
    public let writable: Bool

    private init(log: PostgresLogStore, writable: Bool) {
        self.log = log
        self.schema = PostgresMapSchema(schema: log.options.schema)
        self.writable = writable
    }

    /// The map of `log`'s ledger. Writable: its tables are made when missing. Read-only (a standby): they must
    /// exist already (`.unavailable` otherwise: the primary has not made them yet).
    public static func open(log: PostgresLogStore, writable: Bool) async throws -> PostgresMapNodeStore {
        let store = PostgresMapNodeStore(log: log, writable: writable)
        let exists = try await store.run("looking for the status map's tables") { connection, logger in
            var found = false
            let rows = try await connection.query(PostgresQuery(unsafeSQL: store.schema.tablesExist), logger: logger)
            for try await value in rows.decode(Bool.self) { found = value }
            return found
        }
        guard !exists else { return store }
        guard writable else {
            throw LogStoreError(.unavailable, "schema \(log.options.schema) has no status map tables yet; a read-only "
                + "daemon cannot make them (a writable daemon on the primary does at its start)")
        }
        try await store.run("making the status map's tables") { connection, logger in
            try await PostgresSession.transaction(connection, options: log.options, logger: logger) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: store.schema.lockLogRow), logger: logger)
                for statement in store.schema.ddl {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }
        return store
    }

    /// The latest version at or below `limit`; nil when none is stored.
    public func latestVersion(atMost limit: UInt64) async throws -> UInt64? {
        let bound = Int64(clamping: limit)
        return try await run("reading the status map's latest version") { connection, logger in
            var latest: Int64?
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: schema.selectLatestVersion, binds: PostgresLogStore.binds(bound)),
                logger: logger)
            for try await value in rows.decode(Int64?.self) { latest = value }
            return try latest.map { try PostgresLogStore.unsigned($0, "map version") }
        }
    }

    /// The map root recorded for `version`; nil if no batch made that version (or it is not written yet).
    public func root(atVersion version: UInt64) async throws -> Hash256? {
        let bound = Int64(clamping: version)
        return try await run("reading the status map's root at version \(version)") { connection, logger in
            var root: Hash256?
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: schema.selectRoot, binds: PostgresLogStore.binds(bound)), logger: logger)
            for try await data in rows.decode(ByteBuffer.self) {
                guard let hash = Hash256(bytes: Array(data.readableBytesView)) else {
                    throw LogStoreError(.corrupt, "the map root of version \(version) is not 32 bytes")
                }
                root = hash
            }
            return root
        }
    }

    /// Every node of the map as it stood at `version`, in memory: one pass over the table in key order, each
    /// position's newest row at or below `version` kept unless it is a tombstone.
    public func nodes(atVersion version: UInt64) async throws -> MemoryMapNodeStore {
        let bound = Int64(clamping: version)
        return try await run("reading the status map at version \(version)") { connection, logger in
            var memory = MemoryMapNodeStore()
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: schema.selectCurrentNodes, binds: PostgresLogStore.binds(bound)),
                logger: logger)
            for try await (depth, prefix, key, valueHash, hash)
                in rows.decode((Int16, ByteBuffer, ByteBuffer?, ByteBuffer?, ByteBuffer?).self) {
                let id = try Self.position(depth: depth, prefix: Array(prefix.readableBytesView))
                if let node = try Self.node(id, key: key, valueHash: valueHash, hash: hash) {
                    memory.insert(node, at: id)
                }
            }
            return memory
        }
    }

    /// The proof for tree key `key` in the map as it stood at `version`, and that version's root; nil when no
    /// batch made that version (or it is not written yet). One query reads the newest row of every position on
    /// the key's path and beside it.
    public func proof(for key: Hash256, atVersion version: UInt64,
                      hasher: MapHasher) async throws -> (proof: MapProof, root: Hash256)? {
        guard let root = try await root(atVersion: version) else { return nil }
        var depths: [Int16] = []
        var prefixes: [ByteBuffer] = []
        var ids: [MapNodeID] = []
        depths.reserveCapacity(513)
        for depth in 0...256 {
            let onPath = MapNodeID(depth: depth, onPathOf: key)
            ids.append(onPath)
            if depth > 0 { ids.append(onPath.parent.child(right: !onPath.isRightChild)) }
        }
        for id in ids {
            depths.append(Int16(id.depth))
            prefixes.append(ByteBuffer(bytes: Self.prefixBytes(id)))
        }
        let bound = Int64(clamping: version)
        let path = try await run("reading the status map's path at version \(version)") { connection, logger in
            var binds = PostgresBindings(capacity: 3)
            binds.append(bound)
            binds.append(depths)
            binds.append(prefixes)
            var found: [(Int16, ByteBuffer, ByteBuffer?, ByteBuffer?, ByteBuffer?)] = []
            let rows = try await connection.query(PostgresQuery(unsafeSQL: schema.selectPositions, binds: binds),
                                                  logger: logger)
            for try await row in rows.decode((Int16, ByteBuffer, ByteBuffer?, ByteBuffer?, ByteBuffer?).self) {
                found.append(row)
            }
            return found
        }
        var memory = MemoryMapNodeStore()
        for (depth, prefix, key, valueHash, hash) in path {
            let id = try Self.position(depth: depth, prefix: Array(prefix.readableBytesView))
            if let node = try Self.node(id, key: key, valueHash: valueHash, hash: hash) { memory.insert(node, at: id) }
        }
        let view = try SparseMerkleMap(store: memory, hasher: hasher)
        return (try view.proof(for: key), root)
    }

    /// Writes `writes` (a batch's nodes and root) under its version, in one transaction. A version already stored
    /// (another daemon wrote it) is left as it is if its root is the same, and refused as `.corrupt` if not.
    public func write(_ writes: MapNodeWrites) async throws {
        try await write([writes])
    }

    /// Writes several versions, oldest first, in one transaction (one commit for what a busy sequencer queued
    /// meanwhile), each as `write(_:)` does: all or none.
    public func write(_ versions: [MapNodeWrites]) async throws {
        let rows = try versions.map { writes in
            guard let version = writes.version else {
                throw LogStoreError(.conflict, "a PostgreSQL map keeps history: a batch must name its version")
            }
            return try VersionRows(writes.nodes, version: version, root: writes.root)
        }
        try await write(rows, replacing: false)
    }

    /// One version's rows, as bound to `insertNodes`.
    struct VersionRows: Sendable {
        let version: UInt64
        let bound: Int64
        let root: Hash256
        var kinds: [Int16] = [], depths: [Int16] = [], prefixes: [ByteBuffer] = []
        var first: [ByteBuffer] = [], second: [ByteBuffer] = []

        init(_ nodes: [(id: MapNodeID, node: MapNode?)], version: UInt64, root: Hash256) throws {
            guard let bound = Int64(exactly: version) else {
                throw LogStoreError(.outOfRange, "map version \(version) does not fit a signed 64-bit integer")
            }
            self.version = version
            self.bound = bound
            self.root = root
            for (id, node) in nodes {
                depths.append(Int16(id.depth))
                prefixes.append(ByteBuffer(bytes: PostgresMapNodeStore.prefixBytes(id)))
                switch node {
                case let .leaf(key, valueHash)?:
                    kinds.append(1)
                    first.append(ByteBuffer(bytes: key.bytes))
                    second.append(ByteBuffer(bytes: valueHash.bytes))
                case let .branch(hash)?:
                    kinds.append(2)
                    first.append(ByteBuffer(bytes: hash.bytes))
                    second.append(ByteBuffer())
                case nil:
                    kinds.append(0)
                    first.append(ByteBuffer())
                    second.append(ByteBuffer())
                }
            }
        }
    }

    /// Writes `versions` in one transaction; with `replacing`, the tables are emptied first, in the same one.
    private func write(_ versions: [VersionRows], replacing: Bool) async throws {
        guard writable else { throw LogStoreError(.conflict, "this daemon's status map is read-only") }
        guard let last = versions.last else { return }
        let what = versions.count == 1 ? "version \(last.version)"
            : "versions \(versions[0].version) to \(last.version)"
        try await run("writing the status map's \(what)") { connection, logger in
            try await PostgresSession.transaction(connection, options: log.options, logger: logger) { connection in
                if replacing {
                    try await connection.query(PostgresQuery(unsafeSQL: schema.truncate), logger: logger)
                }
                for rows in versions { try await insert(rows, on: connection, logger: logger) }
            }
        }
    }

    /// One version's root and nodes, inside the caller's transaction; a version already stored is compared instead.
    private func insert(_ rows: VersionRows, on connection: PostgresConnection, logger: Logger) async throws {
        var inserted = false
        let recorded = try await connection.query(
            PostgresQuery(unsafeSQL: schema.insertVersion,
                          binds: PostgresLogStore.binds(rows.bound, ByteBuffer(bytes: rows.root.bytes))),
            logger: logger)
        for try await _ in recorded.decode(Int32.self) { inserted = true }
        guard inserted else {
            // Another daemon wrote this version (with its nodes, in one transaction): compare, write nothing.
            var stored: [UInt8]?
            let existing = try await connection.query(
                PostgresQuery(unsafeSQL: schema.selectRoot, binds: PostgresLogStore.binds(rows.bound)), logger: logger)
            for try await data in existing.decode(ByteBuffer.self) { stored = Array(data.readableBytesView) }
            guard stored == rows.root.bytes else {
                throw LogStoreError(.corrupt, "the stored status map's version \(rows.version) has root "
                    + "\(stored.flatMap { Hash256(bytes: $0) }?.base64 ?? "none"), this daemon's map "
                    + "\(rows.root.base64)")
            }
            return
        }
        var binds = PostgresBindings(capacity: 6)
        binds.append(rows.bound)
        binds.append(rows.kinds)
        binds.append(rows.depths)
        binds.append(rows.prefixes)
        binds.append(rows.first)
        binds.append(rows.second)
        try await connection.query(PostgresQuery(unsafeSQL: schema.insertNodes, binds: binds), logger: logger)
    }

    /// Replaces the whole stored map by `nodes`, as version `version` with root `root`, in one transaction: for a
    /// map found to disagree with the log and rebuilt from it. Older versions are gone (their rows were the damaged
    /// ones).
    public func replace(with nodes: MemoryMapNodeStore, version: UInt64, root: Hash256) async throws {
        guard writable else { throw LogStoreError(.conflict, "this daemon's status map is read-only") }
        let rows = try VersionRows(nodes.nodes.map { (id: $0.key, node: Optional($0.value)) }, version: version,
                                   root: root)
        try await write([rows], replacing: true)
    }

    // MARK: Helpers

    private func run<T: Sendable>(_ doing: @autoclosure () -> String,
                                  _ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let logger = log.logger
        return try await log.run(doing()) { connection in try await body(connection, logger) }
    }

    /// The stored form of a position's prefix: its first ⌈depth/8⌉ bytes.
    static func prefixBytes(_ id: MapNodeID) -> [UInt8] {
        Array(id.prefix.bytes.prefix((id.depth + 7) / 8))
    }

    static func position(depth: Int16, prefix: [UInt8]) throws -> MapNodeID {
        guard (0...256).contains(depth), prefix.count == (Int(depth) + 7) / 8,
              let padded = Hash256(bytes: prefix + [UInt8](repeating: 0, count: 32 - prefix.count)) else {
            throw LogStoreError(.corrupt, "map node at depth \(depth) with a prefix of \(prefix.count) bytes")
        }
        return MapNodeID(depth: Int(depth), onPathOf: padded)
    }

    /// The node a row holds; nil for a tombstone.
    static func node(_ id: MapNodeID, key: ByteBuffer?, valueHash: ByteBuffer?, hash: ByteBuffer?) throws -> MapNode? {
        if let key, let valueHash {
            guard let key = Hash256(bytes: Array(key.readableBytesView)),
                  let valueHash = Hash256(bytes: Array(valueHash.readableBytesView)) else {
                throw LogStoreError(.corrupt, "map node \(id) has malformed hashes")
            }
            return .leaf(key: key, valueHash: valueHash)
        }
        if let hash {
            guard key == nil, valueHash == nil, let hash = Hash256(bytes: Array(hash.readableBytesView)) else {
                throw LogStoreError(.corrupt, "map node \(id) has malformed hashes")
            }
            return .branch(hash)
        }
        guard key == nil, valueHash == nil else { throw LogStoreError(.corrupt, "map node \(id) is half a leaf") }
        return nil
    }
}

import Foundation
public import LedgerCrypto
public import Log
public import LogPostgres
import LogSQLite
public import Logging
public import Registry

/// The status map a daemon keeps (DESIGN.md §3) as its routes read it: the finisher that closes every batch with a
/// `map.root` entry, and proofs at the sizes the map can answer for.
///
/// The map keeps history, so any checkpointed size whose last entry is a map root can be proven: with SQLite in its
/// own file (`store.statusMap`), with PostgreSQL in two tables of the ledger's schema (`PostgresMapNodeStore`,
/// written by `writer`). Only a read-only daemon on a standby the primary has not given the map's tables yet keeps
/// its map in memory, rebuilt from the log at start and proven at its newest version only.
public struct LedgerStatusMap: Sendable {
    /// Closes batches and keeps the map.
    public let finisher: any BatchFinisher
    /// The hash suite of the map (the ledger's).
    public let hashAlgorithm: HashAlgorithm
    /// Whether proofs can be given at older versions (a store with history).
    public let keepsHistory: Bool
    /// Writes the PostgreSQL map's queued versions: the daemon runs it as a service (`StatusMapWriterService`);
    /// nil for SQLite (written in the batch's commit) and for a map in memory.
    public let writer: PostgresMapWriter?
    private let proveAt: @Sendable (Hash256, UInt64) async throws -> (proof: MapProof, root: Hash256)?
    private let latest: @Sendable () -> (version: UInt64, root: Hash256)

    /// The map's newest version (the tree size of its latest batch) and root.
    public var current: (version: UInt64, root: Hash256) { latest() }

    /// The proof for tree key `key` in the map as it stood at tree size `size`, with the root at that size; nil
    /// when the map has no version `size` (no batch ended there, or an older one is not kept).
    public func proof(for key: Hash256, atSize size: UInt64) async throws -> (proof: MapProof, root: Hash256)? {
        try await proveAt(key, size)
    }

    /// A map over `finisher`'s SQLite store, with history.
    init(sqlite finisher: StatusMapFinisher<MirroredMapNodeStore>, hashAlgorithm: HashAlgorithm) {
        self.finisher = finisher
        self.hashAlgorithm = hashAlgorithm
        keepsHistory = true
        writer = nil
        latest = { finisher.current }
        proveAt = { key, size in try finisher.proof(for: key, atVersion: size) }
    }

    /// A map over `finisher`'s PostgreSQL tables, with history: the newest version from memory, older ones from the
    /// tables (once written).
    init(postgres finisher: StatusMapFinisher<QueuedMapNodeStore>, writer: PostgresMapWriter,
         hashAlgorithm: HashAlgorithm) {
        self.finisher = finisher
        self.hashAlgorithm = hashAlgorithm
        self.writer = writer
        keepsHistory = true
        latest = { finisher.current }
        let stored = writer.store
        proveAt = { key, size in
            if let newest = try finisher.proof(for: key, atVersion: size) { return newest }
            guard size < finisher.current.version else { return nil }
            return try await stored.proof(for: key, atVersion: size, hasher: MapHasher(hashAlgorithm))
        }
    }

    /// A map in memory: its newest version only.
    init(memory finisher: StatusMapFinisher<MemoryMapNodeStore>, hashAlgorithm: HashAlgorithm) {
        self.finisher = finisher
        self.hashAlgorithm = hashAlgorithm
        keepsHistory = false
        writer = nil
        latest = { finisher.current }
        proveAt = { key, size in try finisher.proof(for: key, atVersion: size) }
    }

    /// Replays the log into `registry` while the status map catches up with it, and returns both: the SQLite map
    /// file at `sqlitePath` (created when missing), or a map in memory when nil. A map that contradicts the log,
    /// or is ahead of it, is refused (`LedgerServerError.refusedStore` naming `store.statusMap`); a missing or
    /// behind one is filled from the log.
    ///
    /// With `snapshotPath`, a registry snapshot there that passes `RegistrySnapshotFile.load`'s checks
    /// and that the map is not behind is started from: only the entries after it are replayed. Any other snapshot
    /// is logged and the whole log replayed. The answer's third member is the size of the snapshot used (0: none).
    static func replay(store: any LogStore, identity: LogIdentity, sqlitePath: String?, snapshotPath: String? = nil,
                       logger: Logger,
                       progress: @escaping @Sendable (UInt64, UInt64) -> Void) async throws
        -> (Registry, LedgerStatusMap, UInt64) {
        let algorithm = identity.hashAlgorithm
        guard let sqlitePath else {
            let recomputed = try RecomputedStatusMap(store: MemoryMapNodeStore(), version: 0, versioned: false,
                                                     hasher: MapHasher(algorithm))
            let registry = try await Registry.replay(store: store, identity: identity, statusMap: recomputed,
                                                     progress: progress)
            logger.info("status map rebuilt in memory from the log", metadata: [
                "version": "\(recomputed.version)", "root": "\(recomputed.map.root.base64)",
            ])
            let finisher = StatusMapFinisher(registry: registry, recomputed: recomputed, hashAlgorithm: algorithm,
                                             logger: logger)
            return (registry, LedgerStatusMap(memory: finisher, hashAlgorithm: algorithm), 0)
        }
        let mapStore: MirroredMapNodeStore
        if SQLiteMapNodeStore.isOlderSchema(path: sqlitePath) {
            // Derived data in a layout this build does not read: set aside (not deleted) and rebuilt from the log.
            let aside = sqlitePath + ".older-schema"
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: aside + suffix)
                try? FileManager.default.moveItem(atPath: sqlitePath + suffix, toPath: aside + suffix)
            }
            logger.notice("status map file of an older layout set aside; the map is rebuilt from the log", metadata: [
                "file": "\(sqlitePath)", "setAside": "\(aside)",
            ])
        }
        do {
            let file = FileManager.default.fileExists(atPath: sqlitePath)
                ? try SQLiteMapNodeStore.open(path: sqlitePath) : try SQLiteMapNodeStore.create(path: sqlitePath)
            // Partial at first: the whole current version is read on another connection after the replay
            // (`mirrorInBackground`), so that a start does not wait for the map to be read node by node.
            mapStore = MirroredMapNodeStore(partial: file)
        } catch {
            throw LedgerServerError(.refusedStore, field: "store.statusMap",
                                    "cannot open the status map \(sqlitePath): \(error)")
        }
        let before = mapStore.version ?? 0
        let recomputed = try RecomputedStatusMap(store: mapStore, version: before, versioned: true,
                                                 hasher: MapHasher(algorithm))
        let start = await startingSnapshot(path: snapshotPath, store: store, identity: identity, map: recomputed,
                                           logger: logger)
        let registry: Registry
        do {
            registry = try await Registry.replay(store: store, identity: identity, from: start?.state,
                                                 statusMap: recomputed, progress: progress)
            try recomputed.finish(logSize: registry.snapshot.size)
        } catch let error as RegistryError where error.field == "map" || error.field == "record.root" {
            throw LedgerServerError(.refusedStore, field: "store.statusMap", """
                refusing to serve: the status map \(sqlitePath) and the log disagree: \(error). The map is a \
                function of the log: if the file is at fault, move it aside and the daemon rebuilds it at start; \
                if the log is, `certledger audit` names the entry
                """)
        }
        if recomputed.version != before {
            logger.notice("status map caught up with the log", metadata: [
                "file": "\(sqlitePath)", "from": "\(before)", "to": "\(recomputed.version)",
            ])
        }
        if !mapStore.isComplete { mirrorInBackground(MirrorTarget(store: mapStore), path: sqlitePath, logger: logger) }
        let finisher = StatusMapFinisher(registry: registry, recomputed: recomputed, hashAlgorithm: algorithm,
                                         logger: logger)
        return (registry, LedgerStatusMap(sqlite: finisher, hashAlgorithm: algorithm), start?.size ?? 0)
    }

    /// The registry snapshot at `path` to start from, if it passes `RegistrySnapshotFile.load`'s checks and `map`
    /// (as loaded, before the replay) is not behind it; nil otherwise (the whole log is replayed), with the reason
    /// logged. On success `map` is prepared to resume after the snapshot.
    static func startingSnapshot<Store: MapNodeStore>(path: String?, store: any LogStore, identity: LogIdentity,
                                                      map: RecomputedStatusMap<Store>,
                                                      logger: Logger) async -> RegistrySnapshot? {
        let clock = ContinuousClock(), reading = clock.now
        guard let path, let snapshot = await RegistrySnapshotFile.load(path: path, store: store, identity: identity,
                                                                       logger: logger) else { return nil }
        guard map.resume(after: snapshot.size, root: snapshot.mapRoot) else {
            logger.warning("""
                registry snapshot ignored, the whole log is replayed instead: the status map stands at version \
                \(map.version), behind the snapshot's \(snapshot.size) or at another root
                """, metadata: ["file": "\(path)"])
            return nil
        }
        logger.info("registry loaded from its snapshot; replaying the entries after it", metadata: [
            "snapshot": "\(snapshot.size)", "file": "\(path)", "seconds": "\((clock.now - reading).seconds)",
        ])
        return snapshot
    }

    /// The partial mirror a thread hands the whole map to: only its `offer` is called there, which is thread-safe.
    struct MirrorTarget: @unchecked Sendable {
        let store: MirroredMapNodeStore
    }

    /// Reads the map's current version on a connection and thread of its own and offers it to the partial mirror,
    /// which until then reads the positions it lacks from the file one by one.
    static func mirrorInBackground(_ target: MirrorTarget, path: String, logger: Logger) {
        DispatchQueue.global(qos: .utility).async {
            let start = ContinuousClock.now
            do {
                let reader = try SQLiteMapNodeStore.open(path: path)
                let (nodes, version) = try reader.currentNodesWithVersion()
                let count = nodes.count
                target.store.offer(nodes, version: version)
                logger.info("status map mirrored in memory", metadata: [
                    "nodes": "\(count)", "version": "\(version ?? 0)",
                    "seconds": "\((ContinuousClock.now - start).seconds)",
                ])
            } catch {
                logger.warning("""
                    the status map stays partly on disk (its positions read from the file as needed): \(error)
                    """, metadata: ["file": "\(path)"])
            }
        }
    }
}

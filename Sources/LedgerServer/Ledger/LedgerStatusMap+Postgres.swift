public import LedgerCrypto
public import Log
import LogPostgres
public import Logging
public import Registry

/// Starting a PostgreSQL daemon's status map from its tables.
extension LedgerStatusMap {
    /// Replays the log into `registry` while the status map, loaded from `stored` (its latest version at or below
    /// the log's size, read whole into memory), catches up with the log; returns both. The stored map's root is
    /// compared with the log's `map.root` entry of its version, and every later batch is applied, compared and
    /// queued for writing. A stored map that disagrees with the log (another root, or a version that is no batch
    /// of it) is logged as a warning naming both sizes and rebuilt from the whole log; a writable daemon then
    /// writes the rebuilt version in place of the tables' rows. Queued versions are written before this returns
    /// (a failure there is logged: the writer tries again).
    ///
    /// With `snapshotPath`, a registry snapshot there (a file of this daemon's, beside its configuration) that the
    /// stored map is not behind is started from, as with SQLite: only the entries after it are replayed. A map
    /// rebuilt from the whole log replays the whole log.
    static func replay(store: any LogStore, identity: LogIdentity, postgres stored: PostgresMapNodeStore,
                       snapshotPath: String? = nil, logger: Logger,
                       progress: @escaping @Sendable (UInt64, UInt64) -> Void) async throws
        -> (Registry, LedgerStatusMap, UInt64) {
        let algorithm = identity.hashAlgorithm
        let hasher = MapHasher(algorithm)
        let clock = ContinuousClock(), start = clock.now
        let logSize = try await store.head()?.size ?? 0
        var loaded: (nodes: MemoryMapNodeStore, version: UInt64?) = (MemoryMapNodeStore(), nil)
        var disagreement: String?
        do {
            if let version = try await stored.latestVersion(atMost: logSize) {
                loaded = (try await stored.nodes(atVersion: version), version)
                let held = try SparseMerkleMap(store: loaded.nodes, hasher: hasher).root
                if let recorded = try await stored.root(atVersion: version), held != recorded {
                    disagreement = "its nodes at version \(version) give root \(held.base64), "
                        + "its record \(recorded.base64)"
                }
            }
        } catch {
            throw LedgerServerError(.refusedStore, field: "store.postgres",
                                    "cannot read the status map's tables: \(error)")
        }
        let before = loaded.version ?? 0
        logger.info("status map loaded from PostgreSQL", metadata: [
            "version": "\(before)", "nodes": "\(loaded.nodes.count)", "logSize": "\(logSize)",
            "seconds": "\((clock.now - start).seconds)",
        ])
        if disagreement == nil {
            let writer = PostgresMapWriter(store: stored)
            let queued = QueuedMapNodeStore(memory: loaded.nodes, version: loaded.version, writer: writer)
            let recomputed = try RecomputedStatusMap(store: queued, version: before, versioned: true, hasher: hasher)
            let start = await startingSnapshot(path: snapshotPath, store: store, identity: identity, map: recomputed,
                                               logger: logger)
            do {
                let registry = try await Registry.replay(store: store, identity: identity, from: start?.state,
                                                         statusMap: recomputed, progress: progress)
                try recomputed.finish(logSize: registry.snapshot.size)
                if recomputed.version != before {
                    logger.notice("status map caught up with the log", metadata: [
                        "from": "\(before)", "to": "\(recomputed.version)",
                    ])
                }
                await flush(writer, logger: logger)
                let finisher = StatusMapFinisher(registry: registry, recomputed: recomputed,
                                                 hashAlgorithm: algorithm, logger: logger)
                return (registry, LedgerStatusMap(postgres: finisher, writer: writer, hashAlgorithm: algorithm),
                        start?.size ?? 0)
            } catch let error as RegistryError where error.field == "map" || error.field == "record.root" {
                disagreement = "\(error)"
            }
        }
        logger.warning("""
            the status map stored in PostgreSQL disagrees with the log; it is rebuilt from the whole log: \
            \(disagreement ?? "")
            """, metadata: ["mapVersion": "\(before)", "logSize": "\(logSize)"])
        let rebuilt = try RecomputedStatusMap(store: MemoryMapNodeStore(), version: 0, versioned: false,
                                              hasher: hasher)
        let registry = try await Registry.replay(store: store, identity: identity, statusMap: rebuilt,
                                                 progress: progress)
        let nodes = rebuilt.map.store
        if stored.writable, rebuilt.version > 0 {
            do {
                try await stored.replace(with: nodes, version: rebuilt.version, root: rebuilt.map.root)
            } catch {
                throw LedgerServerError(.refusedStore, field: "store.postgres",
                                        "cannot write the rebuilt status map: \(error)")
            }
        }
        logger.notice("status map rebuilt from the log", metadata: [
            "version": "\(rebuilt.version)", "root": "\(rebuilt.map.root.base64)",
        ])
        // A writer of its own: the one above may hold versions queued before the disagreement was found.
        let writer = PostgresMapWriter(store: stored)
        let queued = QueuedMapNodeStore(memory: nodes, version: rebuilt.version == 0 ? nil : rebuilt.version,
                                        writer: writer)
        let recomputed = try RecomputedStatusMap(store: queued, version: rebuilt.version, versioned: true,
                                                 hasher: hasher)
        let finisher = StatusMapFinisher(registry: registry, recomputed: recomputed, hashAlgorithm: algorithm,
                                         logger: logger)
        return (registry, LedgerStatusMap(postgres: finisher, writer: writer, hashAlgorithm: algorithm), 0)
    }

    /// Writes what the start queued (the versions caught up from the log), so that they are provable from the
    /// first request; a failure is logged and left to the writer's service.
    static func flush(_ writer: PostgresMapWriter, logger: Logger) async {
        let queued = writer.queued
        guard queued > 0 else { return }
        do { try await writer.flush() } catch {
            logger.warning("the status map's caught-up versions are not all written yet; retried while serving",
                           metadata: ["queued": "\(writer.queued)", "error": "\(error)"])
        }
    }
}

import Foundation
public import LedgerCrypto
public import Log
import LogPostgres
public import Logging
public import Registry

/// Everything a daemon serves: the log (store, sequencer, reads) and the Registry standing in front of it as the
/// sequencer's gate, with the verifier and its receipt key (DESIGN.md §4–§6). Opening one replays and checks the
/// whole stored log — every signature against the key history, roles and the state machine — and refuses to serve
/// a ledger whose entries the Registry would not have admitted.
public struct Ledger: Sendable {
    public let log: LedgerLog
    public let registry: Registry
    public let verifier: Verifier
    /// The status map whose root closes every batch; nil for a ledger assembled without one (some tests).
    public let statusMap: LedgerStatusMap?
    /// Rewrites the registry snapshot as the log grows (SQLite with `store.snapshotEveryEntries` > 0); the daemon
    /// runs it beside the sequencer.
    public let snapshots: RegistrySnapshotWriter?

    /// Assembles a ledger from parts already opened and checked (tests, `open`). `statusMap` must be the one whose
    /// finisher the log's sequencer was given.
    public init(log: LedgerLog, registry: Registry, receiptKey: PrivateKey, statusMap: LedgerStatusMap? = nil,
                snapshots: RegistrySnapshotWriter? = nil) {
        self.log = log
        self.registry = registry
        self.statusMap = statusMap
        self.snapshots = snapshots
        // With witnesses, answers are proven against the newest witnessed checkpoint only.
        let witnessing = log.witnessing
        let witnessedOfSize: @Sendable () -> (size: UInt64, note: [UInt8])? = {
            witnessing.witnessed.map { ($0.checkpoint.size, $0.note) }
        }
        var prover: Verifier.StatusMapProver?
        if let statusMap {
            prover = { key, size in try await statusMap.proof(for: key, atSize: size) }
        }
        self.verifier = Verifier(registry: registry, reader: log.reader, receiptKey: receiptKey,
                                 witnessedCheckpoint: witnessing.isEnabled ? witnessedOfSize : nil,
                                 statusMap: prover)
    }

    /// The service writing a PostgreSQL status map's versions (`LedgerServices.group`'s `mapWriter`); nil when the
    /// map is written in the batch's commit (SQLite) or kept in memory.
    public func mapWriterService(logger: Logger) -> StatusMapWriterService? {
        statusMap?.writer.map { StatusMapWriterService(writer: $0, logger: logger) }
    }

    /// Opens the configured ledger: the store (proven consistent with its checkpoint), the registry replayed from
    /// it, and the receipt key, which must be the one the genesis names. Batches are counted into `metrics`.
    public static func open(config: ServerConfig, metrics: ServerMetrics, logger: Logger) async throws -> Ledger {
        let opened = try await LedgerLog.openStore(config: config, logger: logger)
        let start = ContinuousClock.now
        let registry: Registry
        let statusMap: LedgerStatusMap
        let snapshotSize: UInt64
        let snapshotPath = config.store.snapshotEveryEntries > 0 ? config.resolve(config.store.registrySnapshot) : nil
        do {
            let mapPath = config.store.postgres == nil ? config.resolve(config.store.statusMap) : nil
            let progress: @Sendable (UInt64, UInt64) -> Void = { done, total in
                if done % 100_000 == 0 || done == total {
                    logger.info("registry replay", metadata: ["entries": "\(done)", "of": "\(total)"])
                }
            }
            if let postgres = opened.postgres,
               let stored = try await openPostgresMap(postgres, readOnly: config.store.postgres?.readOnly ?? false,
                                                      logger: logger) {
                (registry, statusMap, snapshotSize) = try await LedgerStatusMap.replay(
                    store: opened.store, identity: opened.identity, postgres: stored, snapshotPath: snapshotPath,
                    logger: logger, progress: progress)
            } else {
                (registry, statusMap, snapshotSize) = try await LedgerStatusMap.replay(
                    store: opened.store, identity: opened.identity, sqlitePath: mapPath, snapshotPath: snapshotPath,
                    logger: logger, progress: progress)
            }
        } catch let error as LedgerServerError {
            await LedgerLog.close(opened.store)
            throw error
        } catch {
            await LedgerLog.close(opened.store)
            throw LedgerServerError(.refusedStore, field: config.store.field,
                                    "refusing to serve: the stored log fails the registry's checks: \(error)")
        }
        let state = registry.snapshot
        logger.info("registry ready", metadata: [
            "entries": "\(state.size)", "departments": "\(state.counts.departments)",
            "licenses": "\(state.counts.licenses)", "seals": "\(state.counts.seals)",
            "fromSnapshot": "\(snapshotSize)", "seconds": "\((ContinuousClock.now - start).seconds)",
        ])
        let receiptKey: PrivateKey
        do { receiptKey = try readReceiptKey(path: config.resolve(config.keys.receipt)) } catch {
            await LedgerLog.close(opened.store)
            throw error
        }
        if let genesis = state.ledger, genesis.receiptKey != receiptKey.publicKey {
            await LedgerLog.close(opened.store)
            throw LedgerServerError(.invalidConfig, field: "keys.receipt",
                "\(config.keys.receipt) is key \(receiptKey.publicKey.keyID), but the genesis names receipt key "
                + "\(genesis.genesis.receiptKey.keyId)")
        }
        // `time` never decreases along the log (DESIGN.md §3): with the clock behind the last entry (stepped back,
        // or the ledger moved from a machine whose clock ran ahead), new entries keep the last entry's time.
        let behind = opened.head.lastTime.millisecondsSinceEpoch - Timestamp.now().millisecondsSinceEpoch
        if behind > 1_000 {
            logger.warning("""
                the system clock is \(behind / 1_000) s behind the log's last entry (\(opened.head.lastTime)): new \
                entries carry that time until the clock catches up, because time never decreases along the log
                """)
        }
        let gate = MeteredGate(wrapping: registry, metrics: metrics)
        let log = try LedgerLog(store: opened.store, identity: opened.identity, signer: opened.signer,
                                head: opened.head, gate: gate, finisher: statusMap.finisher,
                                config: config.sequencer.sequencerConfig,
                                sharing: config.sequencerSharing, published: opened.published,
                                witnessing: opened.witnessing, logger: logger)
        let snapshots = snapshotPath.map {
            RegistrySnapshotWriter(registry: registry, store: opened.store, identity: opened.identity, path: $0,
                                   every: config.store.snapshotEveryEntries, startSize: snapshotSize, logger: logger)
        }
        return Ledger(log: log, registry: registry, receiptKey: receiptKey, statusMap: statusMap,
                      snapshots: snapshots)
    }

    /// The status map's tables in the ledger's PostgreSQL schema, made when missing. A read-only daemon cannot make
    /// them: on a standby without them yet (nil) its map is kept in memory, rebuilt from the log.
    static func openPostgresMap(_ store: PostgresLogStore, readOnly: Bool,
                                logger: Logger) async throws -> PostgresMapNodeStore? {
        do {
            return try await PostgresMapNodeStore.open(log: store, writable: !readOnly)
        } catch let error as LogStoreError where readOnly && error.code == .unavailable {
            logger.warning("the status map is kept in memory, rebuilt from the log: \(error.reason)")
            return nil
        } catch {
            throw LedgerServerError(.refusedStore, field: "store.postgres",
                                    "cannot open the status map's tables: \(error)")
        }
    }

    static func readReceiptKey(path: String) throws -> PrivateKey {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes, let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LedgerServerError(.fileUnreadable, field: "keys.receipt", "cannot read the receipt key \(path)")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw LedgerServerError(.fileUnreadable, field: "keys.receipt",
                "the receipt key \(path) has mode \(String(mode, radix: 8)); it must not be readable by others "
                + "(chmod 600)")
        }
        do { return try PrivateKey(pem: pem) } catch {
            throw LedgerServerError(.fileUnreadable, field: "keys.receipt", "\(path) is not a private key: \(error)")
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

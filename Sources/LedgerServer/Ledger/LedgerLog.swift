import Foundation
import LedgerCrypto
public import Log
import LogPostgres
public import Logging
public import SignedNote

/// The log a daemon serves: its store, identity, checkpoint signer and the running sequencer, opened and proven
/// consistent before the first request (DESIGN.md §6). The HTTP layer reads through `reader` at the sequencer's
/// last durable head, so every answer refers to a signed checkpoint.
public struct LedgerLog: Sendable {
    /// The store every read goes to: SQLite, or PostgreSQL shared with other daemons.
    public let store: any LogStore
    /// Origin, hash suite and checkpoint verifier, checked against the store at open.
    public let identity: LogIdentity
    /// The single writer; its `head` is the tree every read answers against.
    public let sequencer: Sequencer
    /// The sequencer's appends, watched: whether the store refuses writes right now (disk full, read-only).
    public let writes: StoreWriteMonitor
    /// What the background verification of the whole store has found (`BackgroundVerification`).
    public let integrity = StoreIntegrity()
    /// The witnesses' cosignatures: the newest witnessed checkpoint and each witness's status (`WitnessCollector`).
    /// Disabled (quorum nil) for a ledger without witnesses.
    public let witnessing: WitnessingState
    /// The checkpoint of the empty tree, signed once at open: C2SP clients need a checkpoint before the first
    /// batch, and Ed25519 signing is deterministic, so this is the same note every time.
    let emptyCheckpoint: [UInt8]
    /// Full tiles shared by every request's reader: immutable, so never stale (32 MiB at most).
    let tileCache = TileCache()

    /// Wraps an already opened store and its loaded head (tests and `open`). With `published`, every checkpoint the
    /// sequencer stores is recorded there before its submitters are answered.
    public init(store: any LogStore, identity: LogIdentity, signer: any NoteSigner, head: TreeHead,
                gate: (any SequencingGate)? = nil, finisher: (any BatchFinisher)? = nil,
                config: SequencerConfig = SequencerConfig(),
                sharing: SequencerSharing = SequencerSharing(), published: CheckpointRecord? = nil,
                witnessing: WitnessingState = WitnessingState(quorum: nil),
                logger: Logger = Logger(label: "certledger.sequencer")) throws {
        self.store = store
        self.witnessing = witnessing
        self.identity = identity
        let writes = StoreWriteMonitor(wrapping: store, published: published, logger: logger)
        self.writes = writes
        self.sequencer = Sequencer(store: writes, head: head, identity: identity, signer: signer, gate: gate,
                                   finisher: finisher.map { MonitoredFinisher(base: $0, monitor: writes) },
                                   config: config, sharing: sharing, logger: logger)
        let empty = try Checkpoint(origin: identity.origin, size: 0,
                                   rootHash: MerkleHasher(identity.hashAlgorithm).emptyRoot())
        self.emptyCheckpoint = try SignedCheckpoint.sign(empty, with: signer).bytes
    }

    /// Reads entries, tiles and proofs without loading the tree.
    public var reader: LogReader {
        LogReader(store: store, hashAlgorithm: identity.hashAlgorithm, tileCache: tileCache)
    }

    /// The last durable head and its signed checkpoint (the empty tree's for a log with no entries). Taken once per
    /// request so that a proof and the checkpoint it comes with describe the same tree.
    public var snapshot: (head: TreeHead, checkpoint: [UInt8]) {
        let head = sequencer.head
        return (head, head.size == 0 ? emptyCheckpoint : head.checkpoint)
    }

    /// What `/checkpoint` and the proof routes answer against: without witnesses the durable head and its checkpoint
    /// (`snapshot`); with witnesses the newest checkpoint a quorum cosigned, carrying the cosignatures, and nil
    /// before the first.
    public var served: (size: UInt64, checkpoint: [UInt8])? {
        guard witnessing.isEnabled else {
            let (head, checkpoint) = snapshot
            return (head.size, checkpoint)
        }
        return witnessing.witnessed.map { ($0.checkpoint.size, $0.note) }
    }

    /// Opens the configured ledger: reads the checkpoint key, opens the store (SQLite or PostgreSQL, never creating
    /// it), checks the store's identity and loads the head, refusing a store it cannot prove consistent.
    public static func open(config: ServerConfig, gate: (any SequencingGate)? = nil,
                            logger: Logger) async throws -> LedgerLog {
        let opened = try await openStore(config: config, logger: logger)
        return try LedgerLog(store: opened.store, identity: opened.identity, signer: opened.signer, head: opened.head,
                             gate: gate, config: config.sequencer.sequencerConfig, sharing: config.sequencerSharing,
                             published: opened.published, witnessing: opened.witnessing, logger: logger)
    }

    /// Closes the store (its connections or files; an SQLite WAL is folded into the database): after the sequencer
    /// has stopped.
    public func close() async {
        await Self.close(store)
    }

    /// The store, identity, signer and proven head of the configured ledger, before any sequencer exists: the
    /// SQLite file, or the PostgreSQL schema when `store.postgres` is set (`LedgerLog+Stores.swift`). Neither is
    /// ever created here. Errors name the store's key (`store.sqlite` / `store.postgres`).
    ///
    /// The head must extend the checkpoint this daemon published last (`store.publishedCheckpoint`): a store that
    /// is behind it or holds another history is refused with both sizes, never re-sequenced. Without a record yet
    /// (a new ledger, or one from before records were kept) the head is recorded now.
    static func openStore(config: ServerConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                          logger: Logger)
        async throws -> (store: any LogStore, identity: LogIdentity, signer: Ed25519NoteSigner, head: TreeHead,
                         published: CheckpointRecord, witnessing: WitnessingState, postgres: PostgresLogStore?) {
        if config.store.postgres == nil {
            let storePath = config.resolve(config.store.sqlite)
            guard FileManager.default.fileExists(atPath: storePath) else {
                throw LedgerServerError(.noLedger, field: "store.sqlite",
                    "no ledger at \(storePath); create one with `certledger init` (or run `certledgerd --dev` for a "
                    + "development ledger)")
            }
        }
        let signer = try readSigner(path: config.resolve(config.keys.checkpoint))
        if let origin = config.log.origin, origin != signer.name {
            throw LedgerServerError(.invalidConfig, field: "log.origin",
                "log.origin is \"\(origin)\" but the checkpoint key is named \"\(signer.name)\"")
        }
        guard let hash = HashAlgorithm(rawValue: config.log.hash) else {
            throw LedgerServerError(.invalidConfig, field: "log.hash", "unknown hash suite \(config.log.hash)")
        }
        let identity = LogIdentity(origin: signer.name, hashAlgorithm: hash, verifier: signer.verifier)
        let (store, place, postgres) = try await openConfiguredStore(config: config, origin: signer.name,
                                                                     environment: environment)
        let head: TreeHead
        do {
            try await identity.check(store, verifierKey: signer.verifier.verifierKey)
            head = try await TreeHead.load(from: store, identity: identity)
        } catch {
            await close(store)
            throw LedgerServerError(.refusedStore, field: config.store.field, "refusing to serve \(place): \(error)")
        }
        let published = CheckpointRecord(path: config.resolve(config.store.publishedCheckpoint))
        do {
            try await checkPublished(published, head: head, store: store, identity: identity, place: place,
                                     logger: logger)
        } catch {
            await close(store)
            throw error
        }
        let witnessing: WitnessingState
        do {
            witnessing = try await openWitnessing(config: config, head: head, store: store, identity: identity,
                                                  place: place, logger: logger)
        } catch {
            await close(store)
            throw error
        }
        return (store, identity, signer, head, published, witnessing, postgres)
    }

    /// Refuses a store whose head does not extend the checkpoint recorded in `published`; records the head when
    /// there is no record yet.
    static func checkPublished(_ published: CheckpointRecord, head: TreeHead, store: any LogStore,
                               identity: LogIdentity, place: String, logger: Logger) async throws {
        let field = "store.publishedCheckpoint"
        let recorded = try await checkRecord(published, field: field, what: "the published checkpoint",
                                             head: head, store: store, identity: identity, place: place)
        guard recorded == nil, head.size > 0 else { return }
        do { try published.write(head.checkpoint) } catch {
            throw LedgerServerError(.fileUnreadable, field: field,
                "cannot record the published checkpoint in \(published.path): \(error)")
        }
        logger.notice("no record of a published checkpoint yet: recorded the store's head", metadata: [
            "file": "\(published.path)", "size": "\(head.size)",
        ])
    }

    /// The checkpoint kept in `record` (nil when there is none yet), after proving that the stored head extends it;
    /// a store behind it (acknowledged or witnessed entries missing: a damaged WAL, a restored backup, a wiped table)
    /// or holding another history is refused with both sizes, never re-sequenced. `what` names the record in the
    /// errors ("the published checkpoint", "the witnessed checkpoint").
    static func checkRecord(_ record: CheckpointRecord, field: String, what: String, head: TreeHead,
                            store: any LogStore, identity: LogIdentity, place: String) async throws
        -> SignedCheckpoint? {
        let recorded: SignedCheckpoint?
        do { recorded = try record.read(verifier: identity.verifier) } catch {
            throw LedgerServerError(.refusedStore, field: field,
                "refusing to serve \(place): the record of \(what) is unusable: \(error)")
        }
        guard let recorded else { return nil }
        let relation: CheckpointRecord.Relation
        do {
            relation = try await CheckpointRecord.relation(of: recorded.checkpoint, toTreeOf: head.size,
                                                           root: head.root, in: store,
                                                           hashAlgorithm: identity.hashAlgorithm)
        } catch {
            throw LedgerServerError(.refusedStore, field: field,
                "refusing to serve \(place): its tree cannot be compared with \(what): \(error)")
        }
        switch relation {
        case .extends:
            return recorded
        case .shrank(let recordedSize, let storedSize):
            throw LedgerServerError(.refusedStore, field: field, """
                refusing to serve \(place): it holds \(storedSize) entries, but \(what) is of size \(recordedSize) \
                (\(record.path)): acknowledged entries are missing (a damaged or deleted WAL, a restored backup, a \
                wiped table). Their indices are never given again: restore a copy of the store holding at least \
                \(recordedSize) entries
                """)
        case .forked(let recordedSize, let storedSize, let why):
            throw LedgerServerError(.refusedStore, field: field, """
                refusing to serve \(place): its tree of \(storedSize) entries does not extend \(what) of size \
                \(recordedSize) (\(record.path)): \(why). The store holds another history
                """)
        }
    }

    /// Reads a C2SP note signer key file, refusing one that others may read.
    static func readSigner(path: String) throws -> Ed25519NoteSigner {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LedgerServerError(.fileUnreadable, field: "keys.checkpoint", "cannot read the checkpoint key \(path)")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw LedgerServerError(.fileUnreadable, field: "keys.checkpoint",
                "the checkpoint key \(path) has mode \(String(mode, radix: 8)); it must not be readable by others "
                + "(chmod 600)")
        }
        do {
            return try Ed25519NoteSigner(signerKey: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw LedgerServerError(.fileUnreadable, field: "keys.checkpoint",
                                    "\(path) is not a checkpoint signer key: \(error)")
        }
    }
}

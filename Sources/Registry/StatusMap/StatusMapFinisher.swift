public import LedgerCrypto
public import Log
public import Logging
import Synchronization

/// The sequencer's batch finisher for a ledger (DESIGN.md §3): closes every batch with a `map.root` entry holding
/// the status map's root after the batch's entries, and keeps the map up to date, incrementally: a batch costs
/// O(changed keys × depth) node reads and hashes, whatever the size of the map.
///
/// `finish` takes the batch's changes from the Registry (`Registry.closeBatch`, values from its tentative state)
/// and prepares the map's writes without making them; `commit`, once the log holds the batch, hands them to the
/// store (for SQLite, a transaction in the map's own file under the batch's version; for PostgreSQL, memory and a
/// queue its writer empties into the ledger's schema). The store is the map's only
/// copy: a write that fails is kept and tried again at the next batch, which fails (nothing stored, 503) as long
/// as the map cannot be written; a restart catches up from the log. Entries other writers appended (a shared
/// PostgreSQL store) reach the map through `observe`, each of their map roots checked against it.
public final class StatusMapFinisher<Store: MapNodeStore>: BatchFinisher, Sendable {
    struct State {
        var map: SparseMerkleMap<Store>
        /// The tree size of the latest batch the map holds (0 before the first).
        var version: UInt64
        let hasher: MapHasher
        /// The writes of the batch `finish` closed, until `commit` or `abort`.
        var pending: (writes: MapNodeWrites, version: UInt64)?
        /// Committed batches whose writes the store refused, oldest first.
        var unwritten: [(writes: MapNodeWrites, version: UInt64)] = []
        /// Other writers' batches not applied yet (the store refused a write), oldest first.
        var unobserved: [Registry.ObservedMapRoot] = []
        /// Set when another writer's map root disagreed with the map: nothing more is closed.
        var broken: String?
        /// The store's latest refusal while writes wait to be tried again; nil once the map is caught up.
        var writeFailure: String?
    }

    private let registry: Registry
    private let logger: Logger
    /// Guards the map: the sequencer's loop writes it, readers of proofs read it between batches.
    let state: Mutex<State>

    /// A finisher for `registry` over the map `recomputed` caught up with the log (`Registry.replay`).
    public init(registry: Registry, recomputed: sending RecomputedStatusMap<Store>, hashAlgorithm: HashAlgorithm,
                logger: Logger) {
        self.registry = registry
        self.logger = logger
        state = Mutex(State(map: recomputed.map, version: recomputed.version, hasher: MapHasher(hashAlgorithm)))
    }

    /// The version (tree size of the latest batch) and root of the map.
    public var current: (version: UInt64, root: Hash256) {
        state.withLock { ($0.version, $0.map.root) }
    }

    /// The proof for tree key `key` and the root, at `version` if that is the map's newest version; nil otherwise
    /// (this store keeps no older versions).
    public func proof(for key: Hash256, atVersion version: UInt64) throws -> (proof: MapProof, root: Hash256)? {
        try state.withLock { state in
            guard version == state.version else { return nil }
            return (try state.map.proof(for: key), state.map.root)
        }
    }

    public func finish(_ entries: [LogEntry], closingIndex: UInt64) throws -> [UInt8] {
        try state.withLock { state in
            if let broken = state.broken { throw LogError(.storeFailed, "the status map is unusable: \(broken)") }
            try Self.catchUp(&state)
            let changes = try registry.closeBatch(at: closingIndex, using: state.hasher)
            let version = closingIndex + 1
            let writes = try state.map.prepare(changes, version: version)
            state.pending = (writes, version)
            return MapRootRecord(root: writes.root).payload
        }
    }

    public func commit() {
        state.withLock { state in
            guard let pending = state.pending else { return }
            state.pending = nil
            state.unwritten.append(pending)
            do { try Self.catchUp(&state) } catch {
                logger.error("the status map could not be written; retried at the next batch", metadata: [
                    "version": "\(pending.version)", "error": "\(error)",
                ])
            }
        }
    }

    public var writeFailure: String? { state.withLock { $0.writeFailure } }

    public func abort() {
        state.withLock { $0.pending = nil }
    }

    public func observe(_ entries: [LogEntry]) {
        let observed = registry.takeObservedMapRoots()
        guard !observed.isEmpty else { return }
        state.withLock { state in
            state.unobserved.append(contentsOf: observed)
            do { try Self.catchUp(&state) } catch {
                if let broken = state.broken {
                    logger.critical("another writer's map root disagrees with the status map", metadata: [
                        "reason": "\(broken)",
                    ])
                } else {
                    logger.error("the status map could not take other writers' batches; retried at the next batch",
                                 metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Brings the map up to the log, oldest first: the writes of committed batches the store refused before, then
    /// other writers' batches, each checked against the root its `map.root` entry states before it is applied. A
    /// store that refuses a write (a full disk) stops the catch-up where it is, to be tried again, and throws; a
    /// disagreeing root sets `broken` for good.
    private static func catchUp(_ state: inout State) throws {
        do {
            try applyWaiting(&state)
            state.writeFailure = nil
        } catch {
            if state.broken == nil { state.writeFailure = "the status map's store refuses writes: \(error)" }
            throw error
        }
    }

    private static func applyWaiting(_ state: inout State) throws {
        while let first = state.unwritten.first {
            try state.map.apply(first.writes)
            state.version = first.version
            state.unwritten.removeFirst()
        }
        while let batch = state.unobserved.first {
            let version = batch.index + 1
            if version > state.version {
                let writes = try state.map.prepare(batch.changes, version: version)
                guard writes.root == batch.root else {
                    let broken = "the map.root entry at \(batch.index) states \(batch.root.base64), the entries "
                        + "before it give \(writes.root.base64)"
                    state.broken = broken
                    throw LogError(.storeFailed, "the status map is unusable: \(broken)")
                }
                try state.map.apply(writes)
                state.version = version
            }
            state.unobserved.removeFirst()
        }
    }
}

extension StatusMapFinisher where Store: VersionedMapNodeStore {
    /// The proof for tree key `key` and the root as the map stood at `version`; nil when no batch ended there.
    public func proof(for key: Hash256, atVersion version: UInt64) throws -> (proof: MapProof, root: Hash256)? {
        try state.withLock { state in
            // The newest version is the in-memory mirror: no SQL reads.
            if version == state.version { return (try state.map.proof(for: key), state.map.root) }
            guard version <= state.version, let root = try state.map.store.root(atVersion: version) else { return nil }
            let view = try SparseMerkleMap(store: state.map.store.view(atVersion: version), hasher: state.hasher)
            return (try view.proof(for: key), root)
        }
    }
}

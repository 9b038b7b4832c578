public import LedgerCrypto
public import Log
import Synchronization

/// A batch finisher for writers that append a ledger's entries without a Registry gate (the audit benchmark's bulk
/// ledger, tests that rebuild a ledger): it replays every batch through its own `RegistryAuditor` — decoding,
/// signature, role and state checks, as the audit will — and closes the batch with the `map.root` entry of the
/// status map it keeps in memory. So such a ledger has the shape of one written through the daemon: every
/// checkpointed tree ends with a map root that `certledger audit` recomputes.
///
/// An entry the auditor refuses fails its batch (`finish` throws), and the finisher is then unusable: it is meant
/// for a writer that stops at the first failure, not for serving (the daemon's finisher is `StatusMapFinisher`).
public final class ReplayedStatusMapFinisher: BatchFinisher, Sendable {
    struct State {
        let auditor: RegistryAuditor
        let map: RecomputedStatusMap<MemoryMapNodeStore>
        let hasher: MapHasher
        /// The closing entry `finish` wrote, for the auditor to move past once it is committed.
        var closing: LogEntry?
        var failure: String?
        /// The Registry gating the sequencer, if one does: it is told of each closing entry as `StatusMapFinisher`
        /// tells it, so that its state moves past the map root.
        var gate: Registry?
    }

    private let state: Mutex<State>

    /// A finisher for a ledger written from its first entry (the genesis), in log `identity`; `gate` is the
    /// Registry gating the sequencer (nil for an ungated one).
    public init(identity: LogIdentity, gate: Registry? = nil) throws {
        let hasher = MapHasher(identity.hashAlgorithm)
        let auditor = RegistryAuditor(identity: identity)
        let map = try RecomputedStatusMap(store: MemoryMapNodeStore(), version: 0, versioned: false, hasher: hasher)
        auditor.keepStatusMap(map, hasher: hasher)
        state = Mutex(State(auditor: auditor, map: map, hasher: hasher, gate: gate))
    }

    public func finish(_ entries: [LogEntry], closingIndex: UInt64) throws -> [UInt8] {
        try state.withLock { state in
            if let failure = state.failure { throw LogError(.storeFailed, "the replayed status map is unusable: \(failure)") }
            do {
                for entry in entries { try state.auditor.visit(entry) }
                let changes = state.auditor.unclosedStatusMapTouches.changes(in: state.auditor.state,
                                                                              using: state.hasher)
                guard let root = try state.map.root(closingAt: closingIndex, changes: changes) else {
                    throw RegistryError(.conflict, field: "map", "the map is past the batch closing at \(closingIndex)")
                }
                if let gate = state.gate { _ = try gate.closeBatch(at: closingIndex, using: state.hasher) }
                let payload = MapRootRecord(root: root).payload
                state.closing = try LogEntry(index: closingIndex, prev: .zero, time: entries.last?.time ?? .now(),
                                             payload: payload)
                return payload
            } catch {
                state.failure = "\(error)"
                throw error
            }
        }
    }

    /// The writer goes on with an ungated sequencer: the Registry that gated the first batches no longer follows.
    public func dropGate() {
        state.withLock { $0.gate = nil }
    }

    public func commit() {
        state.withLock { state in
            guard let closing = state.closing else { return }
            state.closing = nil
            // The auditor moves past the map root (its keeper already stands there and gives the same root).
            do { try state.auditor.visit(closing) } catch { state.failure = "\(error)" }
        }
    }

    public func abort() {
        state.withLock { $0.failure = $0.failure ?? "a batch was not stored" }
    }

    public func observe(_ entries: [LogEntry]) {
        state.withLock { $0.failure = $0.failure ?? "entries were appended by another writer" }
    }
}

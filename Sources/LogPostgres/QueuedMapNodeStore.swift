public import LedgerCrypto
public import Log
import Synchronization

/// The status map's current version in memory over its PostgreSQL tables: the sequencer's batches read nodes from
/// memory and `apply` hands each batch's writes to a `PostgresMapWriter`, which writes them to PostgreSQL in
/// version order from a task of its own. The `MapNodeStore` contract is synchronous (the map is updated under the
/// finisher's lock, between the log's commit and the new head), postgres-nio is not: the queue is the bridge.
///
/// A version is queued only after the log holds its batch, and written whole in one transaction; versions still in
/// the queue when the process dies are caught up from the log at the next start, as a map file behind the log is
/// with SQLite. Proofs at older sizes read the tables (`PostgresMapNodeStore.proof`), so a version is provable
/// there once its write committed.
///
/// Not thread-safe: one owner (the finisher's lock), as `MemoryMapNodeStore`.
public final class QueuedMapNodeStore: MapNodeStore {
    /// The tables, for proofs at older versions.
    public let stored: PostgresMapNodeStore
    /// What writes the queued versions.
    public let writer: PostgresMapWriter
    private var memory: MemoryMapNodeStore
    /// The latest version applied (in memory); nil before the first.
    public private(set) var version: UInt64?

    /// The map whose version `version` is `memory` (nil: empty, no version yet), writing later versions through
    /// `writer`.
    public init(memory: MemoryMapNodeStore, version: UInt64?, writer: PostgresMapWriter) {
        self.stored = writer.store
        self.writer = writer
        self.memory = memory
        self.version = version
    }

    public func node(at id: MapNodeID) -> MapNode? {
        memory.node(at: id)
    }

    /// Makes `writes` current in memory and queues them for PostgreSQL. The version must be after the latest.
    public func apply(_ writes: MapNodeWrites) throws {
        guard let next = writes.version else {
            throw LogStoreError(.conflict, "a PostgreSQL map keeps history: a batch must name its version")
        }
        if let version, next <= version {
            throw LogStoreError(.conflict, "map version \(next) is not after the latest, \(version)")
        }
        memory.apply(writes)
        version = next
        writer.enqueue(writes)
    }

    /// The nodes of the current version (for rewriting a rebuilt map).
    public var nodes: MemoryMapNodeStore { memory }
}

/// Writes queued map versions to PostgreSQL, oldest first (`PostgresMapNodeStore.write`): `flush()` writes
/// everything queued now, at start (before serving) and at each of `wakeUps` (the daemon's map-writing service).
/// A write that fails stays queued and is tried again at the next wake-up; a stored version whose root differs
/// from this daemon's (a damaged map) stops the writing for good, logged: the next start rebuilds the tables.
/// A read-only store queues nothing.
public final class PostgresMapWriter: Sendable {
    /// The tables.
    public let store: PostgresMapNodeStore
    /// Guards the versions waiting to be written, oldest first, and whether writing stopped (and why).
    private let state = Mutex<(queue: [MapNodeWrites], stopped: String?)>(([], nil))
    /// The most versions written in one transaction.
    static let chunk = 64
    /// Held by one flush at a time, so that versions are written in order.
    private let flushing = Mutex<Bool>(false)
    /// One element after each queued version (at most one buffered): the writing service flushes at each.
    public let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(store: PostgresMapNodeStore) {
        self.store = store
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a version and wakes `run`.
    func enqueue(_ writes: MapNodeWrites) {
        guard store.writable else { return }
        state.withLock { $0.queue.append(writes) }
        wake.yield()
    }

    /// How many versions wait to be written.
    public var queued: Int { state.withLock { $0.queue.count } }

    /// Why writing stopped for good; nil while it goes on.
    public var stopped: String? { state.withLock { $0.stopped } }

    /// Writes every queued version, oldest first, and returns once the queue is empty (or a write failed: it stays
    /// queued and this throws). Returns at once if another flush is under way.
    public func flush() async throws {
        guard flushing.withLock({ busy in defer { busy = true }; return !busy }) else { return }
        defer { flushing.withLock { $0 = false } }
        while true {
            // Up to `chunk` versions per transaction: one commit for what queued up while the last one ran.
            let next = state.withLock { state -> [MapNodeWrites] in
                state.stopped == nil ? Array(state.queue.prefix(Self.chunk)) : []
            }
            guard !next.isEmpty else { return }
            do {
                try await store.write(next)
            } catch let error as LogStoreError where error.code == .corrupt {
                state.withLock { $0.stopped = "\(error)"; $0.queue = [] }
                throw error
            }
            state.withLock { $0.queue.removeFirst(next.count) }
        }
    }

    /// Ends `wakeUps` (the service's loop then flushes once more and returns).
    public func finish() {
        wake.finish()
    }
}

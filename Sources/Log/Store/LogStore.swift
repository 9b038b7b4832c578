/// Where a log keeps its entries, hash tiles and checkpoints (DESIGN.md §6).
///
/// ## Durability contract (every implementation, every call)
/// - `append(_:)` returns only after the whole batch — every entry, every tile it writes, and the checkpoint —
///   is durable: on stable storage (fsync'd / committed with `synchronous=FULL` / committed by the database
///   server) such that a `kill -9` or power cut after the return cannot lose any of it.
/// - A batch is atomic: after a crash at any moment a reader sees either all of the batch or none of it. There
///   is never a stored entry beyond the stored checkpoint's size, nor a checkpoint whose entries are missing.
/// - Appends are serializable: `batch.firstIndex` must equal the stored size at commit time (compare-and-swap),
///   otherwise the call throws `LogStoreError.conflict` and writes nothing. Several processes may share a store;
///   the store, not the caller, decides who wins.
/// - Reads see only committed batches, and never a torn one.
///
/// Implementations: `SQLiteLogStore` (embedded default, target `LogSQLite`), `PostgresLogStore` (`LogPostgres`), and an
/// in-memory store with fault hooks in `LogStoreContract` for tests. All of them run the contract suite in
/// `LogStoreContract`.
public protocol LogStore: Sendable {
    /// The stored tree size and its latest checkpoint; nil for a store that has never been appended to.
    func head() async throws -> LogHead?

    /// Appends one batch atomically and durably (see the contract above).
    ///
    /// An entry longer than 65,535 bytes makes the whole batch fail with `.outOfRange` before anything is
    /// written. A batch with no entries (at `firstIndex` = the stored size) re-publishes the checkpoint for the
    /// current size, e.g. with added cosignatures, replacing the one stored there.
    func append(_ batch: LogBatch) async throws

    /// The entries with indices in `range`, in order. Throws `.outOfRange` if the range reaches past the size.
    func entries(_ range: Range<UInt64>) async throws -> [[UInt8]]

    /// The stored hash tile (`32 × width` bytes), full or partial, or nil if none was written at that key.
    func tile(_ key: TileKey) async throws -> [UInt8]?

    /// A signed checkpoint stored for exactly this tree size, if a batch ended there.
    func checkpoint(size: UInt64) async throws -> [UInt8]?

    /// The stored checkpoints of sizes `from…`, ascending, at most `limit` of them: one per batch the log was
    /// written in. The audit checks every one (each is served for proofs at its size); `certledger migrate` copies
    /// a ledger batch by batch with them.
    func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead]

    /// Small durable settings of the log (origin, hash suite, …), written once at creation.
    func metadata(_ key: String) async throws -> String?

    /// Writes a metadata value durably. Fails with `.conflict` if the key already holds a different value:
    /// the identity of a log never changes once set.
    func setMetadata(_ key: String, _ value: String) async throws
}

/// The stored state of a log: its size and the signed checkpoint (C2SP signed-note text) that covers it.
public struct LogHead: Sendable, Equatable {
    public let size: UInt64
    public let checkpoint: [UInt8]

    public init(size: UInt64, checkpoint: [UInt8]) {
        self.size = size
        self.checkpoint = checkpoint
    }
}

/// One sequenced batch as the sequencer hands it to the store.
public struct LogBatch: Sendable {
    /// Index of the first entry; must equal the stored size.
    public let firstIndex: UInt64
    /// Entry bytes in index order (each at most 65,535 bytes, as C2SP entry bundles require).
    public let entries: [[UInt8]]
    /// Every hash tile created or grown by this batch; each replaces what is stored under its key.
    public let tiles: [TileKey: [UInt8]]
    /// The signed checkpoint for size `firstIndex + entries.count`.
    public let checkpoint: [UInt8]

    public init(firstIndex: UInt64, entries: [[UInt8]], tiles: [TileKey: [UInt8]], checkpoint: [UInt8]) {
        self.firstIndex = firstIndex
        self.entries = entries
        self.tiles = tiles
        self.checkpoint = checkpoint
    }

    /// The tree size after this batch.
    public var endIndex: UInt64 { firstIndex + UInt64(entries.count) }
}

/// The key of a C2SP hash tile: tile level `L` (tree level `8·L`) and tile index `N`.
public struct TileKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let level: UInt8
    public let index: UInt64

    public init(level: UInt8, index: UInt64) {
        self.level = level
        self.index = index
    }

    public static func < (a: TileKey, b: TileKey) -> Bool { (a.level, a.index) < (b.level, b.index) }

    public var description: String { "tile(\(level), \(index))" }
}

/// Errors of a `LogStore`, with stable codes.
public struct LogStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Someone else appended first, or a metadata value would change.
        case conflict
        /// A read past the stored size, or an entry longer than 65,535 bytes in an append.
        case outOfRange = "out_of_range"
        /// The store is damaged or not a log store of this kind.
        case corrupt
        /// The storage refused (disk full, read-only, I/O error, unreachable).
        case unavailable
    }

    public let code: Code
    public let reason: String
    /// The first log index the damage concerns, when the store knows it (a `corrupt` store missing entries).
    public let index: UInt64?

    public init(_ code: Code, _ reason: String, index: UInt64? = nil) {
        self.code = code
        self.reason = reason
        self.index = index
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}

public import Log

/// A `LogStore` in memory, meeting the same contract as the durable stores, with fault hooks for tests of the
/// layers above (the sequencer must survive a failed append, a lost acknowledgement and a torn write).
///
/// Being an actor is what makes it serializable: the actor's isolation guards all state, so the size check and
/// the commit of an append can never interleave with another append. "Durable" here means "committed to the
/// actor's state", which is all a test double can promise.
public actor MemoryLogStore: LogStore {
    /// A failure injected into the next `append` only.
    public enum Fault: Sendable, Equatable {
        /// Throw `.unavailable` before anything is written (e.g. the disk refused the transaction).
        case failBeforeCommit
        /// Commit the batch, then throw `.unavailable`: the caller never learns that it succeeded.
        case failAfterCommit
        /// Crash part-way: the first `entriesWritten` entries reach the store's staging area, then `.unavailable`
        /// (always, however long the batch). A correct store must show readers none of them.
        case tornWrite(entriesWritten: Int)
    }

    /// Everything a reader can see; replaced whole at commit so no half-written batch is ever observable.
    private struct State {
        var entries: [[UInt8]] = []
        var tiles: [TileKey: [UInt8]] = [:]
        var checkpoints: [UInt64: [UInt8]] = [:]
        var headSize: UInt64?
        var metadata: [String: String] = [:]
    }

    private var state = State()
    private var pendingFault: Fault?
    /// Appends that reached their commit (including those that then failed with `.failAfterCommit`).
    public private(set) var commitCount = 0

    /// C2SP tlog-tiles entry bundles prefix each entry with a uint16 length.
    static let maxEntryBytes = 65_535

    public init() {}

    /// Arms `fault` for the next `append`; it is disarmed once that append has run.
    public func injectFault(_ fault: Fault) { pendingFault = fault }

    public func head() -> LogHead? {
        guard let size = state.headSize, let note = state.checkpoints[size] else { return nil }
        return LogHead(size: size, checkpoint: note)
    }

    public func append(_ batch: LogBatch) throws {
        let fault = pendingFault
        pendingFault = nil
        for (offset, entry) in batch.entries.enumerated() where entry.count > Self.maxEntryBytes {
            throw LogStoreError(.outOfRange, "entry \(offset) of the batch at index \(batch.firstIndex) is "
                + "\(entry.count) bytes; the limit is \(Self.maxEntryBytes)")
        }
        if fault == .failBeforeCommit { throw LogStoreError(.unavailable, "injected failure before commit") }
        let size = UInt64(state.entries.count)
        guard batch.firstIndex == size else {
            throw LogStoreError(.conflict,
                "batch starts at index \(batch.firstIndex) but the log holds \(size) entries")
        }
        var staged = state
        if case .tornWrite(let limit) = fault {
            // The tear: some entries reach the staging copy, which is then abandoned with the "crash".
            staged.entries.append(contentsOf: batch.entries.prefix(max(0, limit)))
            throw LogStoreError(.unavailable, "injected torn write after \(min(max(0, limit), batch.entries.count)) "
                + "of \(batch.entries.count) entries")
        }
        staged.entries.append(contentsOf: batch.entries)
        staged.tiles.merge(batch.tiles) { _, new in new }
        staged.checkpoints[batch.endIndex] = batch.checkpoint
        staged.headSize = batch.endIndex
        state = staged
        commitCount += 1
        if fault == .failAfterCommit { throw LogStoreError(.unavailable, "injected failure after commit") }
    }

    public func entries(_ range: Range<UInt64>) throws -> [[UInt8]] {
        let size = UInt64(state.entries.count)
        guard range.upperBound <= size else {
            throw LogStoreError(.outOfRange,
                "entries \(range.lowerBound)..<\(range.upperBound) reach past tree size \(size)")
        }
        return Array(state.entries[Int(range.lowerBound)..<Int(range.upperBound)])
    }

    public func tile(_ key: TileKey) -> [UInt8]? { state.tiles[key] }

    public func checkpoint(size: UInt64) -> [UInt8]? { state.checkpoints[size] }

    public func checkpoints(from size: UInt64, limit: Int) -> [LogHead] {
        guard limit > 0 else { return [] }
        return state.checkpoints.filter { $0.key >= size }.sorted { $0.key < $1.key }.prefix(limit)
            .map { LogHead(size: $0.key, checkpoint: $0.value) }
    }

    public func metadata(_ key: String) -> String? { state.metadata[key] }

    public func setMetadata(_ key: String, _ value: String) throws {
        if let existing = state.metadata[key], existing != value {
            throw LogStoreError(.conflict,
                "metadata \"\(key)\" already holds \"\(existing)\"; refusing to change it to \"\(value)\"")
        }
        state.metadata[key] = value
    }
}

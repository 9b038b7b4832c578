import Foundation
public import Log
public import Logging
import Synchronization

/// The sequencer's store, watched: every append goes through unchanged, and the monitor remembers whether the
/// store is refusing writes (disk full, a file size limit, a read-only or failing file system), so that the
/// operator is told once, in plain words, when writing stops and when it resumes — instead of inferring it from
/// one error line per failed batch — and `/healthz` and `/metrics` can say that the ledger is degraded.
///
/// While writes fail nothing is acknowledged (the sequencer answers `storeFailed`, HTTP 503) and reads keep
/// answering from the last durable checkpoint.
///
/// With a `CheckpointRecord`, each stored batch's checkpoint is also recorded there, durably, before the append
/// returns — so before any submitter of the batch is answered. A record that cannot be written fails the append
/// like the store would (the batch is stored, but nobody is told so; a re-sent submission finds its entry). A `.conflict` (another daemon appended first on a shared store) is
/// normal sequencing, not a failure of the storage, and is not counted.
public final class StoreWriteMonitor: LogStore {
    /// A period during which every append failed.
    public struct Failure: Sendable, Equatable {
        /// When the first failed append of this period ended.
        public let since: Timestamp
        /// Failed appends (batches) so far in this period.
        public let failedBatches: Int
        /// The latest error, as the store reported it.
        public let lastError: String
    }

    private struct State {
        var failure: Failure?
        var failureStarted = ContinuousClock.now
        var lastReminder = ContinuousClock.now
        var totalFailures = 0
    }

    private let store: any LogStore
    /// Where each stored checkpoint is recorded apart from the store, if anywhere.
    private let published: CheckpointRecord?
    private let logger: Logger
    /// Seconds between "still failing" reminders in the log while a failure lasts.
    private let reminderInterval: Duration
    /// Guards the failure period; held only to read or swap it, never across an `await`.
    private let state = Mutex(State())

    /// Watches `store`'s appends, logging to `logger`; a lasting failure is logged again every `reminderInterval`.
    public init(wrapping store: any LogStore, published: CheckpointRecord? = nil, logger: Logger,
                reminderInterval: Duration = .seconds(60)) {
        self.store = store
        self.published = published
        self.logger = logger
        self.reminderInterval = reminderInterval
    }

    /// The current failure period, nil while appends succeed.
    public var failure: Failure? { state.withLock { $0.failure } }

    /// Failed appends since this process started (every period together).
    public var totalFailures: Int { state.withLock { $0.totalFailures } }

    public func append(_ batch: LogBatch) async throws {
        try await watched(batch) { try await store.append(batch) }
    }

    /// Runs one append of `batch`, counting its failure or success.
    private func watched(_ batch: LogBatch, _ append: () async throws -> Void) async throws {
        do {
            try await append()
            if let published {
                do { try await published.writeInBackground(batch.checkpoint) } catch {
                    throw LogStoreError(.unavailable, "the batch at \(batch.firstIndex)..<\(batch.endIndex) is "
                        + "stored, but its checkpoint could not be recorded in \(published.path): \(error)")
                }
            }
        } catch let error as LogStoreError where error.code == .conflict {
            throw error
        } catch {
            failed(error, batch: batch)
            throw error
        }
        succeeded(batch)
    }

    private func failed(_ error: any Error, batch: LogBatch) {
        failed("\(error)", durableSize: batch.firstIndex)
    }

    /// A write of the ledger's that failed outside the log store's append (the status map's file), counted as the
    /// store's: the same degraded state, log lines and metrics, ended by the next successful batch.
    func failed(_ text: String, durableSize: UInt64) {
        let now = ContinuousClock.now
        enum Say { case started, reminder(Failure, Duration), nothing }
        let say: Say = state.withLock { s in
            s.totalFailures += 1
            guard let current = s.failure else {
                s.failure = Failure(since: .now(), failedBatches: 1, lastError: text)
                s.failureStarted = now
                s.lastReminder = now
                return .started
            }
            let next = Failure(since: current.since, failedBatches: current.failedBatches + 1, lastError: text)
            s.failure = next
            guard now - s.lastReminder >= reminderInterval else { return .nothing }
            s.lastReminder = now
            return .reminder(next, now - s.failureStarted)
        }
        switch say {
        case .started:
            logger.critical("""
                the log store refuses writes: \(Self.diagnosis(text)). Submissions are answered 503 and nothing \
                is acknowledged; reads keep serving the last durable checkpoint (size \(durableSize)). \
                Writing resumes by itself once the store accepts a batch again. Store error: \(text)
                """)
        case .reminder(let failure, let elapsed):
            logger.critical("""
                the log store still refuses writes: \(failure.failedBatches) batches failed in \
                \(Int(elapsed.seconds)) s since \(failure.since). \(Self.diagnosis(text)). Latest: \(text)
                """)
        case .nothing:
            break
        }
    }

    private func succeeded(_ batch: LogBatch) {
        let ended: (Failure, Duration)? = state.withLock { s in
            guard let failure = s.failure else { return nil }
            s.failure = nil
            return (failure, ContinuousClock.now - s.failureStarted)
        }
        guard let (failure, elapsed) = ended else { return }
        logger.notice("""
            the log store accepts writes again after \(failure.failedBatches) failed batches over \
            \(Int(elapsed.seconds.rounded())) s; the log grows from size \(batch.endIndex)
            """)
    }

    /// The likely cause in an operator's words, from the store's (and the operating system's) error text.
    public static func diagnosis(_ text: String) -> String {
        let lower = text.lowercased()
        if lower.contains("read-only") || lower.contains("readonly") {
            return "the data folder is read-only (remounted after an I/O error?); check the file system and dmesg"
        }
        if lower.contains("no space left") || lower.contains("is full") {
            return "the data folder's file system is full; free space there"
        }
        if lower.contains("file too large") || lower.contains("file size limit") {
            return "a file size limit was reached (RLIMIT_FSIZE, systemd LimitFSIZE=); raise or remove it"
        }
        if lower.contains("i/o error") || lower.contains("input/output") {
            return "the disk reports I/O errors; check dmesg and the device"
        }
        return "the store failed"
    }

    public func head() async throws -> LogHead? { try await store.head() }
    public func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] { try await store.entries(range) }
    public func tile(_ key: TileKey) async throws -> [UInt8]? { try await store.tile(key) }
    public func checkpoint(size: UInt64) async throws -> [UInt8]? { try await store.checkpoint(size: size) }
    public func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
        try await store.checkpoints(from: size, limit: limit)
    }
    public func metadata(_ key: String) async throws -> String? { try await store.metadata(key) }
    public func setMetadata(_ key: String, _ value: String) async throws { try await store.setMetadata(key, value) }
}

/// A shared store's append turns (`AppendTurnStore`, PostgreSQL) pass through the monitor, their appends watched like
/// any other: wrapping the store must not take away the fairness the sequencer relies on after a lost race. Over a
/// store without turns (SQLite, one writer) a turn is just the next append.
extension StoreWriteMonitor: AppendTurnStore {
    public func withAppendTurn<T: Sendable>(_ body: (AppendTurn) async throws -> T) async throws -> T {
        guard let turns = store as? any AppendTurnStore else {
            return try await body(AppendTurn { batch in try await self.append(batch) })
        }
        return try await turns.withAppendTurn { turn in
            try await body(AppendTurn { batch in try await self.watched(batch) { try await turn.append(batch) } })
        }
    }
}

/// A batch finisher whose storage (the status map's file) is watched with the log store's appends: a batch it cannot
/// finish, or writes it keeps for later after a batch was stored, turn the ledger degraded exactly as a refused
/// append does (`/healthz`, `/metrics`, one log line per outage). Submissions get 503 either way.
struct MonitoredFinisher: BatchFinisher {
    let base: any BatchFinisher
    let monitor: StoreWriteMonitor

    func finish(_ entries: [LogEntry], closingIndex: UInt64) throws -> [UInt8] {
        do { return try base.finish(entries, closingIndex: closingIndex) } catch {
            monitor.failed("\(error)", durableSize: closingIndex - UInt64(entries.count))
            throw error
        }
    }

    func commit() {
        base.commit()
        if let failure = base.writeFailure { monitor.failed(failure, durableSize: 0) }
    }

    func abort() { base.abort() }

    func observe(_ entries: [LogEntry]) {
        base.observe(entries)
        if let failure = base.writeFailure { monitor.failed(failure, durableSize: 0) }
    }

    var writeFailure: String? { base.writeFailure }
}

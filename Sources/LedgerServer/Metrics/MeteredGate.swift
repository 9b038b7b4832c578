public import Log

/// Counts batches for `/metrics` by standing between the sequencer and the personality's gate (the Registry's,
/// once it exists): the gate protocol already sees every batch (admits, then one commit), so no hook in the log
/// is needed. Decisions are the inner gate's; this wrapper never rejects anything itself.
public final class MeteredGate: SequencingGate, @unchecked Sendable {
    private let inner: (any SequencingGate)?
    private let metrics: ServerMetrics
    /// Entries admitted since the last commit or abort. Touched only from the sequencer's single loop (the
    /// protocol's contract), hence `@unchecked Sendable` without a lock.
    private var admitted = 0

    /// Wraps `inner` (nil: admit everything) and records into `metrics`.
    public init(wrapping inner: (any SequencingGate)?, metrics: ServerMetrics) {
        self.inner = inner
        self.metrics = metrics
    }

    /// The inner gate decides; admitted entries are counted towards the batch.
    public func admit(_ entries: [LogEntry]) throws {
        try inner?.admit(entries)
        admitted += entries.count
    }

    /// The inner gate decides, with the group's admission; admitted entries are counted towards the batch.
    public func admit(_ entries: [LogEntry], as admission: Admission) throws {
        try inner?.admit(entries, as: admission)
        admitted += entries.count
    }

    /// The batch is durable: its size goes into the histogram.
    public func commit() {
        inner?.commit()
        if admitted > 0 { metrics.recordBatch(entries: admitted) }
        admitted = 0
    }

    /// The batch failed: nothing is counted.
    public func abort() {
        inner?.abort()
        admitted = 0
    }

    /// Entries that entered the log another way still count as entries.
    public func observe(_ entries: [LogEntry]) {
        inner?.observe(entries)
        metrics.recordObserved(entries: entries.count)
    }
}

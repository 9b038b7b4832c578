/// The personality's say in sequencing (the Registry implements it; the log knows nothing of what it checks).
///
/// The sequencer calls the gate from its single loop, serially and in log order, so the gate sees every group in
/// exactly the order it will appear in the log. This is where state rules ("one live license per USCC") are
/// decided: signature checks and parsing happen before, concurrently; only the order-dependent part runs here.
///
/// For each batch: `admit` for each group (throwing rejects that group alone; its entries get no index), then
/// exactly one of `commit` (the batch is durable) or `abort` (nothing of the batch was stored: forget everything
/// admitted since the last commit). Implementations must not block or do I/O in these calls.
public protocol SequencingGate: Sendable {
    /// Decides whether `entries` (consecutive, already indexed) may join the log after everything admitted so far.
    func admit(_ entries: [LogEntry]) throws
    /// The batch whose groups were admitted since the last commit/abort is durable.
    func commit()
    /// The batch failed: drop everything admitted since the last commit.
    func abort()
    /// Entries that entered the log without this gate's `commit`: written by another daemon sharing the store, or
    /// a batch whose append reported failure yet was stored. They are in the log and must be applied as they are.
    func observe(_ entries: [LogEntry])
}

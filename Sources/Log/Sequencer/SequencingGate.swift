/// The personality's say in sequencing (the Registry implements it; the log knows nothing of what it checks).
///
/// The sequencer calls the gate from its single loop, serially and in log order, so the gate sees every group in
/// exactly the order it will appear in the log. This is where state rules ("one live license per USCC") are
/// decided: signature checks and parsing happen before, concurrently; only the order-dependent part runs here.
///
/// For each batch: `admit` for each group (throwing rejects that group alone; its entries get no index), then
/// exactly one of `commit` (the batch is durable) or `abort` (nothing of the batch was stored: forget everything
/// admitted since the last commit). Implementations must not block or do I/O in these calls.
///
/// A group submitted with the `Admission` its personality made when it checked it is admitted with
/// `admit(_:as:)`, which rules with what the check found; a group submitted as bare payloads with `admit(_:)`.
public protocol SequencingGate: Sendable {
    /// Decides whether `entries` (consecutive, already indexed) may join the log after everything admitted so far;
    /// the group came as bare payloads, without an admission.
    func admit(_ entries: [LogEntry]) throws
    /// `admit(_:)` for a group that came with `admission`; `entries` hold its payloads. By default the admission
    /// decides (`Admission.decide`); a gate standing in front of another passes the call on.
    func admit(_ entries: [LogEntry], as admission: Admission) throws
    /// The batch whose groups were admitted since the last commit/abort is durable.
    func commit()
    /// The batch failed: drop everything admitted since the last commit.
    func abort()
    /// Entries that entered the log without this gate's `commit`: written by another daemon sharing the store, or
    /// a batch whose append reported failure yet was stored. They are in the log and must be applied as they are.
    func observe(_ entries: [LogEntry])
}

extension SequencingGate {
    /// The admission made by the personality behind this gate decides.
    public func admit(_ entries: [LogEntry], as admission: Admission) throws {
        try admission.decide(entries)
    }
}

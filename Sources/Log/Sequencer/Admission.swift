/// A group of payloads that its personality checked before sequencing, with its decision on them in the loop.
///
/// The personality (the Registry) makes an `Admission` when it has parsed, canonicalized, hashed and verified a
/// group: `payloads` are the bytes that become the entries' `payload`s, and `decide` holds what the check found (the
/// decoded values, their digests, who signed them), so that the gate's serial decision in the sequencer's loop reads
/// nothing again. The log sees only the bytes and a function: it knows nothing of what was checked.
///
/// An admission is submitted to the sequencer whose gate made it (`Sequencer.submit(_:)`), which hands it to that
/// gate (`SequencingGate.admit(_:as:)`) in log order, once per attempt at a batch.
public struct Admission: Sendable {
    /// The payloads of the group's entries, in order, byte for byte.
    public let payloads: [[UInt8]]
    private let decision: @Sendable ([LogEntry]) throws -> Void

    /// A group of `payloads` on which `decide` rules in the sequencer's loop, given the group's indexed entries
    /// (their payloads are `payloads`); throwing refuses the group.
    public init(payloads: [[UInt8]], decide: @escaping @Sendable ([LogEntry]) throws -> Void) {
        self.payloads = payloads
        self.decision = decide
    }

    /// Rules on the group as `entries` (consecutive, already indexed; their payloads are `payloads`).
    public func decide(_ entries: [LogEntry]) throws {
        try decision(entries)
    }
}

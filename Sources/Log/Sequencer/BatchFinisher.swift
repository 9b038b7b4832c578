/// The personality's last word on a batch: the entry that closes it, written by the log's owner rather than by a
/// submitter (the Registry's `map.root`, the status map's root after every entry before it). The log knows nothing
/// of what the entry says; it only guarantees that every stored batch ends with it, so the last entry of every
/// checkpointed tree is one.
///
/// The sequencer calls it from its single loop, beside the `SequencingGate` and in the same rhythm: `finish` once
/// per batch after the gate admitted the batch's groups, then exactly one of `commit` (the batch, closing entry
/// included, is durable) or `abort` (nothing of it was stored). `observe` follows `SequencingGate.observe` for
/// entries that entered the log without this sequencer (another daemon on a shared store, or an append that
/// reported failure yet was stored). `finish` does no I/O; `commit` and `observe` may (they run after the log's
/// own commit and before the new head is published, so readers of the head find what the finisher keeps for it).
/// A finisher that cannot keep what it committed says so at the next `finish`, by throwing.
public protocol BatchFinisher: Sendable {
    /// The payload of the entry that closes the batch, at `closingIndex`, after `entries` (the batch's admitted
    /// entries, in log order). Throwing fails the whole batch: nothing of it is stored.
    func finish(_ entries: [LogEntry], closingIndex: UInt64) throws -> [UInt8]
    /// The batch `finish` closed is durable.
    func commit()
    /// The batch `finish` closed was not stored.
    func abort()
    /// Entries in the log that this sequencer did not write, in log order, after the gate observed them.
    func observe(_ entries: [LogEntry])
    /// Why the finisher's own storage is refusing what it keeps right now (its writes wait to be tried again, and
    /// the next `finish` fails while they do); nil while it writes.
    var writeFailure: String? { get }
}

extension BatchFinisher {
    /// A finisher that keeps nothing of its own never fails to write it.
    public var writeFailure: String? { nil }
}

public import LedgerCrypto

/// What a submitter gets back once its group is durable: its entries with their indices and leaf hashes, and the
/// signed checkpoint of the batch that covers them. Inclusion proofs are computed by the caller from the stored
/// tiles (`LogReader`), off the sequencer's loop.
public struct SequencedGroup: Sendable {
    public struct Item: Sendable {
        public let entry: LogEntry
        public let leafHash: Hash256
    }

    public let items: [Item]
    /// Tree size of the checkpoint (≥ every item's index + 1).
    public let treeSize: UInt64
    /// The C2SP signed-note text of the checkpoint.
    public let checkpoint: [UInt8]
}

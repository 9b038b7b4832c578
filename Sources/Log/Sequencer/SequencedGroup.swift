public import LedgerCrypto

/// What a submitter gets back once its group is durable: its entries with their indices, leaf hashes and RFC 9162
/// inclusion proofs, and the signed checkpoint of the batch that covers them (the proofs are against it).
public struct SequencedGroup: Sendable {
    public struct Item: Sendable {
        public let entry: LogEntry
        public let leafHash: Hash256
        /// Inclusion proof of `entry` in the tree of `treeSize` entries.
        public let inclusionProof: [Hash256]
    }

    public let items: [Item]
    /// Tree size of the checkpoint (≥ every item's index + 1).
    public let treeSize: UInt64
    /// The C2SP signed-note text of the checkpoint.
    public let checkpoint: [UInt8]
}

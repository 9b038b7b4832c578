public import LedgerCrypto

/// What the genesis entry fixed for the life of the ledger (DESIGN.md §3), kept decoded: the operator's
/// department id (the genesis's `department`), the receipt key, and the USCC exceptions every later record is
/// decoded with.
public struct LedgerParameters: Sendable {
    public let genesis: GenesisRecord
    /// The department id the genesis was signed as; it holds the `operator` role and the operator key.
    public let operatorDepartment: DepartmentID
    /// The key that signs verifier receipts.
    public let receiptKey: PublicKey
    /// `genesis.usccExceptions` as a set, for decoding.
    public let usccExceptions: Set<String>
}

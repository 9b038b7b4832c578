public import LedgerCrypto

/// One key's new state in a batch of status-map updates: a value hash to set, or nil to remove the key.
public struct MapChange: Sendable, Hashable {
    /// The tree key.
    public let key: Hash256
    /// `H(value)` of the new value; nil removes the key.
    public let valueHash: Hash256?

    /// Sets or removes `key`.
    public init(key: Hash256, valueHash: Hash256?) {
        self.key = key
        self.valueHash = valueHash
    }
}

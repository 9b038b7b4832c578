public import LedgerCrypto

/// A proof about one tree key of the status map (DESIGN.md §3): the siblings along the key's path from the root
/// down to the first subtree that is empty or holds exactly one key, and that subtree (the terminal).
///
/// The same shape proves presence (the terminal is the key itself, with its value's hash) and absence (the path
/// ends in an empty subtree, or in a one-key subtree whose key differs): in a tree where a lone key always sits at
/// the top of its subtree, the path of an absent key ends where the tree has nothing or someone else.
public struct MapProof: Sendable, Hashable {
    /// The one key of the terminal subtree, with the hash of its value.
    public struct Terminal: Sendable, Hashable {
        /// The tree key (not the key string).
        public let key: Hash256
        /// `H(value)`.
        public let valueHash: Hash256

        /// A terminal leaf.
        public init(key: Hash256, valueHash: Hash256) {
            self.key = key
            self.valueHash = valueHash
        }
    }

    /// The largest depth a path can have: one level per bit of a 256-bit key.
    public static let maxDepth = 256

    /// The siblings of the path's nodes, top-down: `siblings[i]` is the sibling at depth `i + 1`; nil for an empty
    /// subtree (the JSON says `null` rather than 32 zero bytes, which keeps proofs short near the bottom).
    public let siblings: [Hash256?]
    /// The subtree where the path stops: nil if it is empty, else the one key it holds.
    public let terminal: Terminal?

    /// The depth of the terminal subtree, which is the number of siblings.
    public var depth: Int { siblings.count }

    /// A proof from its parts; `siblings.count` is the depth (at most `maxDepth`, checked by verification).
    public init(siblings: [Hash256?], terminal: Terminal?) {
        self.siblings = siblings
        self.terminal = terminal
    }
}

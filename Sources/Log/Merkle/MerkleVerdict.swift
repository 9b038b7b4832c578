public import LedgerCrypto

/// The answer of a proof verification whose input was well-formed (RFC 9162 §2.1.3.2, §2.1.4.2).
///
/// A proof that does not lead to its claimed root is an answer, not an exception: callers report it (an audit
/// finding, a `mismatch` verdict) rather than treat it as a failure to answer. Malformed input throws
/// `MerkleError` instead.
public enum MerkleVerdict: Sendable, Equatable, CustomStringConvertible {
    /// The proof recomputes the claimed root(s).
    case valid
    /// The proof recomputes `computed` for the tree of `size` leaves, where `claimed` was expected.
    case mismatch(size: UInt64, computed: Hash256, claimed: Hash256)

    /// Whether the proof holds.
    public var isValid: Bool { self == .valid }

    /// The verdict with its numbers, for reports.
    public var description: String {
        switch self {
        case .valid:
            return "valid"
        case let .mismatch(size, computed, claimed):
            return "root mismatch for tree size \(size): proof gives \(computed), claimed \(claimed)"
        }
    }
}

public import LedgerCrypto

/// What a status-map proof shows about a key against a root (DESIGN.md §3).
///
/// A proof that does not hold is an answer, not an exception: a checker reports `.invalid` with its reason, the
/// way `MerkleVerdict.mismatch` is reported for the log's proofs.
public enum MapVerdict: Sendable, Equatable, CustomStringConvertible {
    /// The key is in the map and its value hashes to `valueHash`.
    case present(valueHash: Hash256)
    /// The key is not in the map.
    case absent
    /// The proof shows nothing about the key against this root (or contradicts the claim it was checked for).
    case invalid(MapProofFailure)

    /// Whether the proof holds (present or absent).
    public var isValid: Bool {
        if case .invalid = self { return false }
        return true
    }

    /// The verdict with its reason, for reports.
    public var description: String {
        switch self {
        case let .present(valueHash): return "present (value hash \(valueHash))"
        case .absent: return "absent"
        case let .invalid(failure): return "invalid: \(failure)"
        }
    }
}

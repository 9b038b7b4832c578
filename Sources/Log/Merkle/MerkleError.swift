/// Why a Merkle or tile question could not be answered: the input was malformed, or the data needed to answer it
/// is missing or damaged.
///
/// A proof that is well-formed but does not match its root is *not* an error: verification then returns
/// `MerkleVerdict.mismatch` (an answer). `MerkleError` is thrown only when the question itself is ill-posed
/// (index beyond the tree, `size1 > size2`, a proof of the wrong length for its sizes, a hash that is not
/// 32 bytes, an unparseable tile path) or when stored tiles cannot supply a node.
public struct MerkleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine codes: never renamed once shipped, so callers and the HTTP layer may switch on them.
    public enum Code: String, Sendable, CaseIterable {
        /// A leaf or node index at or beyond the tree size it was asked about.
        case indexOutOfRange = "index_out_of_range"
        /// A tree size that does not fit the request (`size1 > size2`, a size beyond the stored tree, overflow).
        case sizeOutOfRange = "size_out_of_range"
        /// A consistency proof from the empty tree: RFC 9162 §2.1.4 defines proofs only for `0 < size1`.
        case emptyTree = "empty_tree"
        /// A proof with more or fewer hashes than its index and sizes determine (RFC 9162 §2.1.3–2.1.4).
        case proofLength = "proof_length"
        /// A hash that is not exactly 32 bytes.
        case malformedHash = "malformed_hash"
        /// A C2SP tlog-tiles path that does not follow the spec's grammar exactly.
        case malformedTilePath = "malformed_tile_path"
        /// A tile whose byte length is not a multiple of 32 or is narrower than the tree size requires.
        case malformedTile = "malformed_tile"
        /// A tile that the tree size requires but the tile source does not have.
        case missingTile = "missing_tile"
        /// Node hashes handed back for a proof plan do not match its node count.
        case nodeCount = "node_count"
    }

    /// The stable machine code.
    public let code: Code
    /// The offending input field (`index`, `size2`, `proof[3]`, `path`, `tile(1, 4)`, …).
    public let field: String
    /// A human reason carrying the numbers involved.
    public let reason: String

    /// An error with its code, the offending field and a reason that carries the numbers.
    public init(_ code: Code, field: String, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// `code (field): reason`, for logs.
    public var description: String { "\(code.rawValue) (\(field)): \(reason)" }
}

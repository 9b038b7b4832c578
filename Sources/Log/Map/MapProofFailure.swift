/// Why a status-map proof was rejected: a stable machine code and a reason carrying the numbers.
public struct MapProofFailure: Sendable, Equatable, CustomStringConvertible {
    /// Stable machine codes: never renamed once shipped, so checkers and the HTTP layer may switch on them.
    public enum Code: String, Sendable, CaseIterable {
        /// More siblings than a 256-bit key has bits.
        case tooDeep = "too_deep"
        /// The terminal key does not share the first `depth` bits of the key asked about: it is not on its path.
        case terminalOffPath = "terminal_off_path"
        /// Folding the proof does not give the root it was checked against.
        case rootMismatch = "root_mismatch"
        /// The proof shows the key present, with another value than the one claimed.
        case valueMismatch = "value_mismatch"
        /// The key was claimed absent, but the proof shows it present.
        case keyPresent = "key_present"
        /// A value was claimed for the key, but the proof shows it absent.
        case keyAbsent = "key_absent"
    }

    /// The stable machine code.
    public let code: Code
    /// A human reason carrying the numbers involved.
    public let reason: String

    /// A failure with its code and reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `code: reason`, for logs.
    public var description: String { "\(code.rawValue): \(reason)" }
}

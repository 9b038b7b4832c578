/// Why the witness could not do what it was asked: its data directory, its key, its state file or a log's
/// configuration is missing, malformed or refuses to be written.
///
/// A refused checkpoint is *not* an error: the add-checkpoint decision answers with a `WitnessOutcome` (409, 422,
/// 403, …). `WitnessError` is for the cases where no answer could be given.
public struct WitnessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine codes: never renamed once shipped.
    public enum Code: String, Sendable, CaseIterable {
        /// The data directory, key or state file does not exist (create it with `certledger witness init`).
        case notFound = "not_found"
        /// Something already exists where a new witness or log would go.
        case conflict = "conflict"
        /// A key, verifier key, origin or name is malformed or does not match its pair.
        case invalidKey = "invalid_key"
        /// The state file or an evidence file is not what the witness wrote (wrong schema, damaged rows).
        case corrupt = "corrupt"
        /// The storage refused a read or write (disk full, I/O error, read-only, locked).
        case unavailable = "unavailable"
    }

    /// The stable machine code.
    public let code: Code
    /// A human reason carrying the paths and numbers involved.
    public let reason: String

    /// An error with its code and reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `code: reason`, for logs and the command line.
    public var description: String { "\(code.rawValue): \(reason)" }
}

/// The error type of the Registry: a stable machine code (also the HTTP error code), the offending field as a
/// JSON path (`submission.record.uscc`), a human reason, and — where one is concerned — a log index.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The input is not what the schema requires (400).
        case invalid
        /// A signature does not verify, or the key is unknown or rotated out (401).
        case badSignature = "bad_signature"
        /// The department may not submit this kind, or is retired (403).
        case forbidden
        /// No such license, seal or entry (404).
        case notFound = "not_found"
        /// The state machine forbids it, or a nonce was reused for a different submission (409).
        case conflict
        /// The entry would not fit (413).
        case tooLarge = "too_large"
        /// This exact submission is already in the log at `index`: not a failure for the sender, whose re-send
        /// is answered with the original entry (DESIGN.md §5, idempotency).
        case duplicate
        /// Too many verified submissions are waiting to be sequenced: retry later (503 with Retry-After).
        case overloaded
    }

    public let code: Code
    public let field: String?
    public let reason: String
    /// The log index the error concerns: the original entry of a `duplicate`, or the entry at which a replay or
    /// an audit stopped.
    public let index: UInt64?

    public init(_ code: Code, field: String? = nil, _ reason: String, index: UInt64? = nil) {
        self.code = code
        self.field = field
        self.reason = reason
        self.index = index
    }

    /// The same error, concerning log entry `index`.
    public func at(index: UInt64) -> RegistryError {
        RegistryError(code, field: field, reason, index: index)
    }

    public var description: String {
        let head = index.map { "entry \($0): " } ?? ""
        return head + (field.map { "\(code.rawValue) (\($0)): \(reason)" } ?? "\(code.rawValue): \(reason)")
    }
}

/// The error type of the `Log` module's own operations (entries, sequencing, reads, verification of a store):
/// a stable machine code, the field or index at fault, and a reason with the numbers in it.
public struct LogError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformedEntry = "malformed_entry"
        case entryTooLarge = "entry_too_large"
        case outOfRange = "out_of_range"
        /// The sequencer's queue is full: retry after `retryAfter` seconds.
        case overloaded
        /// The sequencer is stopping and accepts nothing new.
        case shuttingDown = "shutting_down"
        /// A stored tree does not match its checkpoint, or a chain link is broken.
        case inconsistent
        /// The store refused or failed; nothing was acknowledged.
        case storeFailed = "store_failed"
        case rejected
    }

    public let code: Code
    public let field: String?
    public let reason: String
    /// For `.overloaded`: seconds the client should wait.
    public let retryAfter: Int?

    public init(_ code: Code, field: String? = nil, _ reason: String, retryAfter: Int? = nil) {
        self.code = code
        self.field = field
        self.reason = reason
        self.retryAfter = retryAfter
    }

    public var description: String {
        field.map { "\(code.rawValue) (\($0)): \(reason)" } ?? "\(code.rawValue): \(reason)"
    }
}

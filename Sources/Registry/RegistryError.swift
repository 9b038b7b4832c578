/// The error type of the Registry: a stable machine code (also the HTTP error code), the offending field as a
/// JSON path (`submission.record.uscc`), and a human reason.
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
    }

    public let code: Code
    public let field: String?
    public let reason: String

    public init(_ code: Code, field: String? = nil, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String {
        field.map { "\(code.rawValue) (\($0)): \(reason)" } ?? "\(code.rawValue): \(reason)"
    }
}

/// Why the daemon could not be configured or started: a stable machine code, the offending field (a YAML key
/// path such as `http.bodyLimitBytes`, or a file) and a reason with the values in it.
///
/// Errors met while *serving* a request are `APIError`s (DESIGN.md §5); this type covers what happens before the
/// first request: reading the configuration, opening or creating the ledger.
public struct LedgerServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine codes: scripts and tests may switch on them.
    public enum Code: String, Sendable {
        /// The configuration file is not valid YAML, has an unknown key, or a value out of range.
        case invalidConfig = "invalid_config"
        /// A file the configuration names cannot be read (or, for a new development ledger, written).
        case fileUnreadable = "file_unreadable"
        /// The data folder holds no ledger and none may be created (production: `certledger init` first).
        case noLedger = "no_ledger"
        /// The store exists but cannot be served: another ledger's identity, or a tree inconsistent with its
        /// checkpoint (DESIGN.md §6).
        case refusedStore = "refused_store"
        /// The configured store's server cannot be reached or refused the connection (PostgreSQL): the reason
        /// names the endpoint and the cause. Often transient; the ledger itself was not judged.
        case unreachableStore = "unreachable_store"
        /// A configured feature needs a part that is not built yet.
        case unsupported
    }

    /// The stable machine code.
    public let code: Code
    /// The YAML key path or file at fault, if any.
    public let field: String?
    /// A human reason with the values in it.
    public let reason: String

    /// An error with its code, the offending field and a reason.
    public init(_ code: Code, field: String? = nil, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// `code (field): reason`, as the daemon logs it before exiting with status 2.
    public var description: String {
        field.map { "\(code.rawValue) (\($0)): \(reason)" } ?? "\(code.rawValue): \(reason)"
    }
}

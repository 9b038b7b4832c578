/// A PostgreSQL store configuration that cannot be used: a bad URL, a password where none belongs, a pool size
/// out of range. Thrown before any connection is attempted, with a stable code, the offending field and a reason.
public struct PostgresConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine codes; never renamed.
    public enum Code: String, Sendable {
        /// Not a `postgres://user@host[:port][/database][?…]` URL.
        case invalidURL = "invalid_url"
        /// A password inside the URL: it would end up in a YAML file and in logs.
        case passwordInURL = "password_in_url"
        /// A port outside 1…65535 or not a number.
        case invalidPort = "invalid_port"
        /// A schema name PostgreSQL would need quoting for (or longer than 63 bytes).
        case invalidSchema = "invalid_schema"
        /// An unknown or malformed `?name=value` parameter.
        case invalidParameter = "invalid_parameter"
        /// A pool size outside 1…`PostgresStoreOptions.maxPoolSize`.
        case invalidPoolSize = "invalid_pool_size"
    }

    public let code: Code
    /// The URL part or option at fault: `url`, `user`, `host`, `port`, `database`, `schema`, `sslmode`, `poolSize`.
    public let field: String
    public let reason: String

    public init(_ code: Code, field: String, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(code.rawValue) (\(field)): \(reason)" }
}

/// Where a `PostgresLogStore` lives and how it connects: one URL plus the few settings a URL should not carry.
///
/// Written by an operator as `postgres://USER@HOST[:PORT][/DATABASE][?schema=NAME&sslmode=MODE]`; the password
/// comes from the environment (`CERTLEDGER_PG_PASSWORD`), never from the URL or a YAML file, so configuration can
/// be committed and logged (`description` never shows the password).
public struct PostgresStoreOptions: Sendable, Equatable, CustomStringConvertible {
    /// The environment variable `init(url:environment:poolSize:)` reads the password from.
    public static let passwordVariable = "CERTLEDGER_PG_PASSWORD"
    /// The largest pool a store accepts: PostgreSQL's default `max_connections` is 100, shared by every daemon.
    public static let maxPoolSize = 64

    /// How the connection is encrypted (the URL's `sslmode`).
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP. Fine on loopback or a private link, nowhere else.
        case disable
        /// TLS when the server offers it (certificate and host name verified), plain TCP when it does not:
        /// libpq's default, and ours.
        case prefer
        /// TLS or no connection, certificate chain and host name verified (libpq calls this `verify-full`;
        /// `require` and `verify-full` both mean it here — an unverified TLS connection is not offered).
        case require
    }

    /// Server host name or IP address (IPv6 without brackets).
    public var host: String
    /// Server TCP port. Default 5432.
    public var port: Int
    /// The role the store logs in as.
    public var user: String
    /// The database; defaults to the user's name, as libpq does.
    public var database: String
    /// The schema holding the ledger's tables. Default `certledger`; one schema holds exactly one ledger, so a
    /// database can hold several ledgers side by side.
    public var schema: String
    /// Never printed. nil: no password (trust, peer or certificate authentication).
    public var password: String?
    /// Connections the store keeps open at most. Default 4: one appender plus reads overlapping its commit; each
    /// daemon sharing the ledger brings its own pool, so `daemons × poolSize` must stay below `max_connections`.
    public var poolSize: Int
    /// Default `.prefer`.
    public var tls: TLSMode
    /// How long opening a connection may take before the store reports the server unreachable. Default 10 s.
    public var connectTimeout: Duration
    /// How long an append waits for another daemon's append to release the tree head before failing with
    /// `.unavailable`. Default 5 s: far above one commit, short enough that a stuck peer is reported.
    public var lockTimeout: Duration

    /// Options from parts; `poolSize` is checked (1…`maxPoolSize`), `schema` must be a plain identifier.
    public init(
        host: String, port: Int = 5432, user: String, database: String? = nil, schema: String = "certledger",
        password: String? = nil, poolSize: Int = 4, tls: TLSMode = .prefer,
        connectTimeout: Duration = .seconds(10), lockTimeout: Duration = .seconds(5)
    ) throws(PostgresConfigError) {
        guard (1...65_535).contains(port) else {
            throw PostgresConfigError(.invalidPort, field: "port", "port \(port) is outside 1…65535")
        }
        guard (1...Self.maxPoolSize).contains(poolSize) else {
            throw PostgresConfigError(.invalidPoolSize, field: "poolSize",
                "a pool of \(poolSize) connections is outside 1…\(Self.maxPoolSize)")
        }
        try Self.checkSchemaName(schema)
        guard !host.isEmpty else { throw PostgresConfigError(.invalidURL, field: "host", "the host is empty") }
        guard !user.isEmpty else { throw PostgresConfigError(.invalidURL, field: "user", "the user is empty") }
        self.host = host
        self.port = port
        self.user = user
        self.database = database ?? user
        self.schema = schema
        self.password = password
        self.poolSize = poolSize
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.lockTimeout = lockTimeout
    }

    /// The same options with another schema (tests give every store its own).
    public func with(schema: String) throws(PostgresConfigError) -> PostgresStoreOptions {
        try Self.checkSchemaName(schema)
        var copy = self
        copy.schema = schema
        return copy
    }

    /// `postgres://user@host:port/database?schema=…` without the password: safe for logs and error messages.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)?schema=\(schema)&sslmode=\(tls.rawValue)"
    }

    /// Where the server is, for "cannot reach" messages.
    var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Schema names are spliced into SQL (identifiers cannot be bound as parameters), so only names that need no
    /// quoting at all are accepted: lower-case ASCII letters, digits and `_`, not starting with a digit, at most
    /// 63 bytes (PostgreSQL's `NAMEDATALEN - 1`), and not in the reserved `pg_` namespace.
    static func checkSchemaName(_ name: String) throws(PostgresConfigError) {
        let bytes = Array(name.utf8)
        let valid = !bytes.isEmpty && bytes.count <= 63 && !(bytes.first.map { (0x30...0x39).contains($0) } ?? true)
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        guard valid, !name.hasPrefix("pg_") else {
            throw PostgresConfigError(.invalidSchema, field: "schema",
                "schema name \"\(name)\" (\(bytes.count) bytes) must be 1–63 of a–z, 0–9 and _, not start with a "
                    + "digit, and not start with pg_")
        }
    }
}

extension PostgresStoreOptions {
    /// Parses `postgres://USER@HOST[:PORT][/DATABASE][?schema=NAME&sslmode=MODE&connect_timeout=SECONDS]` (also
    /// `postgresql://`) and takes the password from `environment[passwordVariable]` if it is set.
    ///
    /// Refused, each with its own code and field: another scheme, a missing user or host, a password in the URL
    /// (`user:secret@…`), a bad port, an unknown parameter (a typo'd `sslmode` must not silently mean "plain
    /// TCP"), a schema name that would need quoting, a pool size outside 1…`maxPoolSize`.
    public init(url: String, environment: [String: String] = [:], poolSize: Int = 4) throws(PostgresConfigError) {
        let parts = try URLParts(url)
        var schema = "certledger"
        var tls = TLSMode.prefer
        var connectTimeout = Duration.seconds(10)
        for (name, value) in parts.parameters {
            switch name {
            case "schema":
                schema = value
            case "sslmode":
                switch value {
                case "disable": tls = .disable
                case "prefer": tls = .prefer
                case "require", "verify-full": tls = .require
                default:
                    throw PostgresConfigError(.invalidParameter, field: "sslmode",
                        "sslmode \"\(value)\" is not one of disable, prefer, require, verify-full "
                            + "(allow and verify-ca are not supported)")
                }
            case "connect_timeout":
                guard let seconds = Int(value), (1...3_600).contains(seconds) else {
                    throw PostgresConfigError(.invalidParameter, field: "connect_timeout",
                        "connect_timeout \"\(value)\" is not a whole number of seconds in 1…3600")
                }
                connectTimeout = .seconds(seconds)
            default:
                throw PostgresConfigError(.invalidParameter, field: name,
                    "unknown URL parameter \"\(name)\"; known: schema, sslmode, connect_timeout")
            }
        }
        try self.init(host: parts.host, port: parts.port, user: parts.user, database: parts.database,
                      schema: schema, password: environment[Self.passwordVariable], poolSize: poolSize, tls: tls,
                      connectTimeout: connectTimeout)
    }
}

/// The pieces of a PostgreSQL URL (the subset of libpq's connection URIs that a ledger needs).
private struct URLParts {
    var user = ""
    var host = ""
    var port = 5432
    var database: String?
    var parameters: [(String, String)] = []

    init(_ url: String) throws(PostgresConfigError) {
        func invalid(_ field: String, _ why: String) -> PostgresConfigError {
            PostgresConfigError(.invalidURL, field: field, why)
        }
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { url.hasPrefix($0) }) else {
            throw invalid("url", "\"\(url.prefix(40))\" does not start with postgres:// or postgresql://")
        }
        var rest = Substring(url.dropFirst(scheme.count))
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            if !path.isEmpty {
                guard !path.contains("/") else { throw invalid("database", "the database name contains a \"/\"") }
                database = try percentDecoded(path, field: "database")
            }
        }
        guard let at = authority.lastIndex(of: "@") else {
            throw invalid("user", "the URL names no user (postgres://USER@HOST…)")
        }
        let userInfo = authority[..<at]
        guard !userInfo.contains(":") else {
            throw PostgresConfigError(.passwordInURL, field: "url",
                "the URL carries a password; remove it and set \(PostgresStoreOptions.passwordVariable) instead "
                    + "(configuration files and logs must never hold it)")
        }
        user = try percentDecoded(userInfo, field: "user")
        guard !user.isEmpty else { throw invalid("user", "the user name is empty") }
        try parseHostPort(authority[authority.index(after: at)...])
        if !query.isEmpty {
            for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw PostgresConfigError(.invalidParameter, field: "url",
                        "URL parameter \"\(pair)\" is not name=value")
                }
                let name = try percentDecoded(pair[..<equals], field: "url")
                parameters.append((name, try percentDecoded(pair[pair.index(after: equals)...], field: name)))
            }
        }
    }

    private mutating func parseHostPort(_ text: Substring) throws(PostgresConfigError) {
        var hostPart = text
        var portPart: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw PostgresConfigError(.invalidURL, field: "host", "\"\(text)\" opens [ but never closes it")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw PostgresConfigError(.invalidURL, field: "host", "unexpected \"\(after)\" after [\(hostPart)]")
                }
                portPart = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        host = try percentDecoded(hostPart, field: "host")
        guard !host.isEmpty else {
            throw PostgresConfigError(.invalidURL, field: "host", "the URL names no host (postgres://USER@HOST…)")
        }
        if let portPart {
            guard let number = Int(portPart), (1...65_535).contains(number) else {
                throw PostgresConfigError(.invalidPort, field: "port",
                    "port \"\(portPart)\" is not a number in 1…65535")
            }
            port = number
        }
    }
}

/// RFC 3986 percent-decoding into UTF-8; a stray `%` or bytes that are not UTF-8 are errors, not guesses.
private func percentDecoded(_ text: Substring, field: String) throws(PostgresConfigError) -> String {
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    func hex(_ byte: UInt8?) -> UInt8? {
        switch byte {
        case .some(let b) where (0x30...0x39).contains(b): return b - 0x30
        case .some(let b) where (0x41...0x46).contains(b): return b - 0x41 + 10
        case .some(let b) where (0x61...0x66).contains(b): return b - 0x61 + 10
        default: return nil
        }
    }
    while let byte = iterator.next() {
        guard byte == 0x25 else {
            bytes.append(byte)
            continue
        }
        guard let high = hex(iterator.next()), let low = hex(iterator.next()) else {
            throw PostgresConfigError(.invalidURL, field: field, "\"\(text)\" has a % not followed by two hex digits")
        }
        bytes.append(high << 4 | low)
    }
    guard let decoded = String(validating: bytes, as: UTF8.self), !decoded.utf8.contains(0) else {
        throw PostgresConfigError(.invalidURL, field: field, "\"\(text)\" does not decode to text")
    }
    return decoded
}

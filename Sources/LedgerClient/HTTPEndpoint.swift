/// Where a daemon listens: `http[s]://host[:port][/prefix]`. Parsed strictly so that a typo in `--server` is an
/// error naming the URL, not a connection to somewhere else.
public struct HTTPEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    public let host: String
    public let port: Int
    /// A path prefix without the trailing slash (`""` for none), for daemons behind a reverse proxy.
    public let pathPrefix: String

    public init(host: String, port: Int, pathPrefix: String = "", scheme: String = "http") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
    }

    /// Parses `http://host[:port][/prefix]` or `https://…` (default ports 80 and 443).
    public init(parsing url: String) throws(HTTPClientError) {
        let scheme: String
        if url.hasPrefix("http://") {
            scheme = "http"
        } else if url.hasPrefix("https://") {
            scheme = "https"
        } else {
            throw HTTPClientError(.badURL, "server URL \"\(url)\": it must start with http:// or https://")
        }
        let rest = url.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else {
            throw HTTPClientError(.badURL, "server URL \"\(url)\": user names or passwords do not belong in it")
        }
        var prefix = String(rest.dropFirst(authority.count))
        guard !prefix.contains("?"), !prefix.contains("#") else {
            throw HTTPClientError(.badURL, "server URL \"\(url)\": a query or fragment does not belong in it")
        }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        var host = Substring(authority)
        var port = scheme == "https" ? 443 : 80
        if host.hasPrefix("[") {
            // An IPv6 literal: [::1]:8080
            guard let close = host.firstIndex(of: "]") else {
                throw HTTPClientError(.badURL, "server URL \"\(url)\": unclosed [ in the host")
            }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else {
                    throw HTTPClientError(.badURL, "server URL \"\(url)\": bad port after the IPv6 address")
                }
                port = value
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]) else {
                throw HTTPClientError(.badURL, "server URL \"\(url)\": the port is not a number")
            }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw HTTPClientError(.badURL, "server URL \"\(url)\": no host") }
        guard (1...65_535).contains(port) else {
            throw HTTPClientError(.badURL, "server URL \"\(url)\": port \(port) is not in 1...65535")
        }
        self.init(host: String(host), port: port, pathPrefix: prefix, scheme: scheme)
    }

    /// `host:port` (an IPv6 host in brackets).
    public var authority: String {
        "\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// The absolute URL of `path` (which starts with `/`) on this endpoint.
    public func url(path: String) -> String {
        "\(scheme)://\(authority)\(pathPrefix)\(path)"
    }

    public var description: String { "\(scheme)://\(authority)\(pathPrefix)" }
}

/// A whole HTTP answer.
public struct HTTPClientResponse: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.0.lowercased() == wanted }?.1
    }

    /// The body as UTF-8 text (lossy), for messages and plain-text answers.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why a request did not get an answer. `unreachable` and `timeout` are the CLI's exit code 3.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case badURL = "bad_url"
        case badRequest = "bad_request"
        case unreachable
        case timeout
        case protocolError = "protocol_error"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

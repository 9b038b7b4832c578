import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The HTTP client of the CLI, the load benchmarks and the live tests: AsyncHTTPClient (HTTP/1.1, and TLS through
/// swift-nio-ssl for `https://` daemons — it secures the connection, never ledger data; every answer is still
/// checked by its proofs and signatures, never trusted for its own sake).
///
/// Manners: no redirects are followed (a ledger daemon never redirects, and a redirect to another host must not
/// carry a question or a submission there); no proxy unless one is named (`proxy`), whatever the environment says;
/// a timeout for connecting and for each whole exchange; answers larger than `maxResponseBytes` are refused.
/// A private CA (`caFile`, PEM) replaces the system's trust roots for `https://` servers.
public struct LedgerHTTPClient: Sendable {
    /// The server's base, such as `http://127.0.0.1:8080` (a path prefix is kept and prepended).
    public let endpoint: HTTPEndpoint
    /// The limit for connecting and for each whole request-and-answer exchange.
    public let timeout: Duration
    /// Answers larger than this are refused rather than buffered.
    public let maxResponseBytes: Int
    /// How the connections are made (trust roots, proxy).
    public let transport: Transport

    /// How connections are made: the trust roots for `https://` and an explicit proxy. One AsyncHTTPClient (and its
    /// connection pool) is kept per distinct transport for the life of the process.
    public struct Transport: Sendable, Hashable {
        /// A PEM file of CA certificates to trust instead of the system's, for a daemon with a private CA.
        public var caFile: String?
        /// An HTTP proxy (`host:port`) to go through; none unless named.
        public var proxy: HTTPEndpoint?

        public init(caFile: String? = nil, proxy: HTTPEndpoint? = nil) {
            self.caFile = caFile
            self.proxy = proxy
        }
    }

    public init(endpoint: HTTPEndpoint, timeout: Duration = .seconds(30), maxResponseBytes: Int = 64 << 20,
                transport: Transport = Transport()) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.transport = transport
    }

    /// Parses `url` (see `HTTPEndpoint.init(parsing:)`).
    public init(url: String, timeout: Duration = .seconds(30), transport: Transport = Transport())
        throws(HTTPClientError) {
        self.init(endpoint: try HTTPEndpoint(parsing: url), timeout: timeout, transport: transport)
    }

    /// One request; a kept-alive connection of the pool is reused when there is one.
    public func send(_ method: String, _ path: String, headers: [(String, String)] = [],
                     body: [UInt8]? = nil) async throws(HTTPClientError) -> HTTPClientResponse {
        guard path.hasPrefix("/") else { throw HTTPClientError(.badRequest, "path \"\(path)\" must start with /") }
        let client = try ClientCache.client(for: transport)
        let what = "\(method) \(endpoint)\(path)"
        var request = HTTPClientRequest(url: endpoint.url(path: path))
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "User-Agent", value: "certledger")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let answer = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            let collected = try await answer.body.collect(upTo: maxResponseBytes)
            return HTTPClientResponse(status: Int(answer.status.code),
                                      headers: answer.headers.map { ($0.name, $0.value) },
                                      body: Array(collected.readableBytesView))
        } catch {
            throw Self.describe(error, what: what, endpoint: endpoint, timeout: timeout, limit: maxResponseBytes)
        }
    }

    /// Runs `body` with a handle whose requests go one after another; the pool keeps the connection alive between
    /// them (load generators keep one such loop per simulated client).
    public func withConnection<T>(
        _ body: (HTTPConnection) async throws(HTTPClientError) -> T
    ) async throws(HTTPClientError) -> T {
        try await body(HTTPConnection(client: self))
    }

    /// A transport failure in the CLI's terms: unreachable, timed out, or a broken answer.
    static func describe(_ error: any Error, what: String, endpoint: HTTPEndpoint, timeout: Duration,
                         limit: Int) -> HTTPClientError {
        if let error = error as? HTTPClientError { return error }
        if let error = error as? AsyncHTTPClient.HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return HTTPClientError(.timeout, "\(what): no answer within \(timeout)")
            case .connectTimeout:
                return HTTPClientError(.unreachable, "cannot connect to \(endpoint.authority): timed out")
            default:
                break
            }
        }
        if error is NIOTooManyBytesError {
            return HTTPClientError(.protocolError, "\(what): answer larger than \(limit) bytes")
        }
        if error is NIOConnectionError || error is ChannelError || (error as? IOError)?.errnoCode == ECONNREFUSED {
            return HTTPClientError(.unreachable, "cannot connect to \(endpoint.authority): \(error)")
        }
        if error is NIOSSLError || error is BoringSSLError {
            return HTTPClientError(.unreachable,
                "TLS with \(endpoint.authority) failed (is --ca-file the CA that signed its certificate?): \(error)")
        }
        return HTTPClientError(.protocolError, "\(what): \(error)")
    }
}

/// Successive requests of one simulated client (`LedgerHTTPClient.withConnection`).
public struct HTTPConnection: Sendable {
    let client: LedgerHTTPClient

    /// Sends `method path` with `headers` and an optional `body`, and returns the whole answer. `path` is appended
    /// to the endpoint's path prefix and must start with `/`.
    public func send(_ method: String, _ path: String, headers: [(String, String)] = [],
                     body: [UInt8]? = nil) async throws(HTTPClientError) -> HTTPClientResponse {
        try await client.send(method, path, headers: headers, body: body)
    }
}

/// One AsyncHTTPClient per transport, for the life of the process (like `HTTPClient.shared`, which these extend
/// with a private CA or a proxy): a client owns a connection pool and threads, and is meant to be long-lived.
enum ClientCache {
    /// Guards the clients; held only to look up or insert.
    private static let clients = Mutex([LedgerHTTPClient.Transport: HTTPClient]())

    static func client(for transport: LedgerHTTPClient.Transport) throws(HTTPClientError) -> HTTPClient {
        let found = clients.withLock { $0[transport] }
        if let found { return found }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = transport.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw HTTPClientError(.badRequest, "--ca-file \(caFile) cannot be read")
            }
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw HTTPClientError(.badRequest, "--ca-file \(caFile) holds no PEM certificate: \(error)")
            }
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            connectionPool: .init(idleTimeout: .seconds(55), concurrentHTTP1ConnectionsPerHostSoftLimit: 512),
            proxy: transport.proxy.map { .server(host: $0.host, port: $0.port) },
            ignoreUncleanSSLShutdown: false,
            decompression: .disabled
        )
        configuration.httpVersion = .http1Only
        let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        return clients.withLock { cache in
            if let raced = cache[transport] {
                try? made.syncShutdown()
                return raced
            }
            cache[transport] = made
            return made
        }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}

import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client over SwiftNIO (already in the graph through Hummingbird), for the CLI, the load
/// benchmark and the live tests. Plain HTTP only: CertLedger brings no TLS stack of its own (DESIGN.md §2 keeps
/// BoringSSL out of the graph); put a TLS-terminating proxy in front of the daemon when it is reached over an
/// untrusted network. Answers are never trusted for their own sake — the CLI checks every proof and signature.
public struct LedgerHTTPClient: Sendable {
    /// The server's base, such as `http://127.0.0.1:8080` (a path prefix is kept and prepended).
    public let endpoint: HTTPEndpoint
    /// The limit for connecting and for each whole request-and-answer exchange.
    public let timeout: Duration
    /// Answers larger than this are refused rather than buffered.
    public let maxResponseBytes: Int

    public init(endpoint: HTTPEndpoint, timeout: Duration = .seconds(30), maxResponseBytes: Int = 64 << 20) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// Parses `url` (see `HTTPEndpoint.init(parsing:)`).
    public init(url: String, timeout: Duration = .seconds(30)) throws(HTTPClientError) {
        self.init(endpoint: try HTTPEndpoint(parsing: url), timeout: timeout)
    }

    /// One request on a connection of its own.
    public func send(_ method: String, _ path: String, headers: [(String, String)] = [],
                     body: [UInt8]? = nil) async throws(HTTPClientError) -> HTTPClientResponse {
        try await withConnection { connection throws(HTTPClientError) in
            try await connection.send(method, path, headers: headers, body: body)
        }
    }

    /// Opens one keep-alive connection, runs `body` with it (requests go one after another), then closes it.
    public func withConnection<T>(
        _ body: (HTTPConnection) async throws(HTTPClientError) -> T
    ) async throws(HTTPClientError) -> T {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(timeout.milliseconds))
                .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HTTPClientError(.unreachable,
                                  "cannot connect to \(endpoint.host):\(endpoint.port): \(error)")
        }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                let connection = HTTPConnection(client: self, inbound: inbound.makeAsyncIterator(),
                                                outbound: outbound)
                return try await body(connection)
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.protocolError, "connection to \(endpoint.host):\(endpoint.port) failed: \(error)")
        }
    }
}

extension Duration {
    /// Whole milliseconds, saturating.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1000).overflow
            ? .max : seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

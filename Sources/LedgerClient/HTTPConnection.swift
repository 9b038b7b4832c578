import NIOCore
import NIOHTTP1

/// One open keep-alive connection of a `LedgerHTTPClient`: requests are sent one at a time and each answer is
/// read whole before the next request goes out. Used by one task at a time (the unchecked Sendable lets the
/// deadline race run the exchange in a child task while its owner waits).
public final class HTTPConnection: @unchecked Sendable {
    private let client: LedgerHTTPClient
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    init(client: LedgerHTTPClient, inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
         outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>) {
        self.client = client
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends `method path` with `headers` and an optional `body`, and returns the whole answer. `path` is
    /// appended to the endpoint's path prefix and must start with `/`.
    public func send(_ method: String, _ path: String, headers: [(String, String)] = [],
                     body: [UInt8]? = nil) async throws(HTTPClientError) -> HTTPClientResponse {
        guard path.hasPrefix("/") else { throw HTTPClientError(.badRequest, "path \"\(path)\" must start with /") }
        let endpoint = client.endpoint
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method),
                                   uri: endpoint.pathPrefix + path)
        head.headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        head.headers.add(name: "User-Agent", value: "certledger")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count)) }
        let requestHead = head
        let timeout = client.timeout
        let limit = client.maxResponseBytes
        do {
            return try await withDeadline(timeout, what: "\(method) \(path)") {
                try await self.outbound.write(.head(requestHead))
                if let body, !body.isEmpty { try await self.outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                try await self.outbound.write(.end(nil))
                return try await self.readResponse(limit: limit, what: "\(method) \(path)")
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.protocolError, "\(method) \(path): \(error)")
        }
    }

    private func readResponse(limit: Int, what: String) async throws -> HTTPClientResponse {
        var status: Int?
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        while let part = try await inbound.next() {
            switch part {
            case .head(let head):
                // 1xx answers (100 Continue) precede the real one.
                if head.status.code < 200 { continue }
                status = Int(head.status.code)
                headers = head.headers.map { ($0.name, $0.value) }
            case .body(let buffer):
                guard body.count + buffer.readableBytes <= limit else {
                    throw HTTPClientError(.protocolError, "\(what): answer larger than \(limit) bytes")
                }
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let status else { throw HTTPClientError(.protocolError, "\(what): answer without a head") }
                return HTTPClientResponse(status: status, headers: headers, body: body)
            }
        }
        throw HTTPClientError(.protocolError, "\(what): the server closed the connection before answering")
    }

    private func withDeadline<T: Sendable>(_ timeout: Duration, what: String,
                                           _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw HTTPClientError(.timeout, "\(what): no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}

public import Hummingbird

/// Request limits (DESIGN.md §5): a declared body above `bodyLimit` is refused with 413 before a byte of it is
/// read, a chunked one as soon as it has passed `bodyLimit`; a request running longer than `timeout` is cancelled:
/// 408 when its body had not arrived (the client is slow), 503 with `Retry-After` when the server was.
public struct LimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let bodyLimit: Int
    let timeout: Duration
    /// Enforces `timeout` for every request through this middleware.
    let sweeper: DeadlineSweeper

    /// `bodyLimit` in bytes (`http.bodyLimitBytes`), `timeout` per request (`http.requestTimeoutSeconds`).
    public init(bodyLimit: Int, timeout: Duration) {
        self.bodyLimit = bodyLimit
        self.timeout = timeout
        // A deadline is enforced within a quarter of the timeout, at most 250 ms, after it falls due.
        sweeper = DeadlineSweeper(interval: min(timeout / 4, .milliseconds(250)))
    }

    /// Refuses an oversized declared body, then runs `next` against the clock.
    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > bodyLimit {
            throw APIError(.contentTooLarge, code: "body_too_large",
                           "the request body is \(declared) bytes; the limit is \(bodyLimit)", field: "body")
        }
        // Without Content-Length, HTTP/1.1 has a body only under Transfer-Encoding (RFC 9112 §6.3): the bodiless
        // GETs of the hot read paths are not wrapped.
        let request = request.headers[.contentLength] == nil && request.headers[.transferEncoding] != nil
            ? limitingBody(request) : request
        let timeout = self.timeout
        let sweeper = self.sweeper
        // The handler runs in a child task, so that a timeout cancels this request and not the connection's task
        // (cancellation cannot be undone: the next request on a kept-alive connection would inherit it). The child
        // ends before this call returns, so `next` never outlives it, and the router's responder behind it is
        // Sendable (the signature just does not say so).
        return try await withoutActuallyEscaping(next) { next in
            nonisolated(unsafe) let next = next
            async let response = sweeper.run(timeout: timeout, onTimeout: { error in
                if case let error as APIError = error, error.status == .requestTimeout { return error }
                return APIError(.serviceUnavailable, code: "timeout", "the request took longer than \(timeout)",
                                retryAfter: 1)
            }, { try await next(request, context) })
            return try await response
        }
    }
}

extension LimitsMiddleware {
    /// `request` with its body cut off at `bodyLimit`.
    func limitingBody(_ request: Request) -> Request {
        var request = request
        request.body = RequestBody(asyncSequence: LimitedBody(base: request.body, limit: bodyLimit))
        return request
    }
}

/// A request body without a declared length (chunked), cut off with 413 as soon as it has passed `limit` bytes:
/// it obeys the same bound as a declared one, without being read to its end first.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            seen += buffer.readableBytes
            guard seen <= limit else {
                throw APIError(.contentTooLarge, code: "body_too_large",
                               "the request body is longer than the limit of \(limit) bytes", field: "body",
                               headers: [.connection: "close"])
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), limit: limit)
    }
}

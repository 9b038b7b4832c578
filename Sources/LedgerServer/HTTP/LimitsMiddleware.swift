public import Hummingbird

/// The body limit (DESIGN.md §5): a declared body above `bodyLimit` is refused with 413 before a byte of it is
/// read, a chunked one as soon as it has passed `bodyLimit`. (The time limit is `RequestDeadlines`, around the
/// router.)
public struct LimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let bodyLimit: Int

    /// `bodyLimit` in bytes (`http.bodyLimitBytes`).
    public init(bodyLimit: Int) {
        self.bodyLimit = bodyLimit
    }

    /// Refuses an oversized declared body, bounds a chunked one, then runs `next`.
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
        return try await next(request, context)
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

public import Hummingbird

/// Request limits (DESIGN.md §5): a declared body above `bodyLimit` is refused with 413 before a byte of it is
/// read, and a handler running longer than `timeout` is answered 503 with `Retry-After`.
public struct LimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let bodyLimit: Int
    let timeout: Duration

    /// `bodyLimit` in bytes (`http.bodyLimitBytes`), `timeout` per request (`http.requestTimeoutSeconds`).
    public init(bodyLimit: Int, timeout: Duration) {
        self.bodyLimit = bodyLimit
        self.timeout = timeout
    }

    /// Refuses an oversized declared body, then runs `next` against the clock.
    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > bodyLimit {
            throw APIError(.contentTooLarge, code: "body_too_large",
                           "the request body is \(declared) bytes; the limit is \(bodyLimit)", field: "body")
        }
        let timeout = self.timeout
        // `next` may run in a child task: the task group ends before this call returns, so it never outlives
        // the call, and the router's responder behind it is Sendable (the signature just does not say so).
        return try await withoutActuallyEscaping(next) { next in
            nonisolated(unsafe) let next = next
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await next(request, context) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                // The first to finish decides. A timed-out handler is cancelled; the answer goes out once it has
                // stopped (every handler here awaits cancellable or short work).
                guard let first = try await group.next(), let response = first else {
                    throw APIError(.serviceUnavailable, code: "timeout",
                                   "the request took longer than \(timeout)", retryAfter: 1)
                }
                return response
            }
        }
    }
}

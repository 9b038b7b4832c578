public import Hummingbird

/// The time limit of every request (`http.requestTimeoutSeconds`), around the whole router: a request still running
/// at its deadline is cancelled. The error middleware inside the router then answers what the cancelled handler
/// throws: 408 when its body had not arrived (the client is slow), otherwise 503 `timeout` with `Retry-After`
/// (the server was slow). A handler that completes despite the cancellation returns its result: the work is done,
/// and saying otherwise would be false.
///
/// The handler runs in a child task, so that a timeout cancels this request and not the connection's task
/// (cancellation cannot be undone: the next request on a kept-alive connection would inherit it). Wrapping the
/// router's responder rather than being one of its middleware keeps this structured without escape hatches: the
/// responder is `Sendable`, a middleware's `next` closure is not.
public struct RequestDeadlines<Base: HTTPResponderBuilder>: HTTPResponderBuilder
where Base.Responder.Context: Sendable {
    let base: Base
    let timeout: Duration
    /// Wakes the requests whose deadline passed; run it as a service of the application.
    public let sweeper: DeadlineSweeper

    /// A deadline is enforced within a quarter of `timeout`, at most 250 ms, after it falls due.
    public init(_ base: Base, timeout: Duration) {
        self.base = base
        self.timeout = timeout
        sweeper = DeadlineSweeper(interval: min(timeout / 4, .milliseconds(250)))
    }

    public func buildResponder() -> Responder {
        Responder(base: base.buildResponder(), timeout: timeout, sweeper: sweeper)
    }

    public struct Responder: HTTPResponder {
        let base: Base.Responder
        let timeout: Duration
        let sweeper: DeadlineSweeper

        public func respond(to request: Request, context: Base.Responder.Context) async throws -> Response {
            let id = sweeper.register(deadline: .now + timeout)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { [base] in try await base.respond(to: request, context: context) }
                group.addTask { [sweeper] in
                    _ = await sweeper.expiry(of: id)
                    return nil
                }
                do {
                    while let outcome = try await group.next() {
                        if let response = outcome {
                            sweeper.finish(id)
                            return response
                        }
                        // The deadline passed: the handler is cancelled and its answer awaited.
                        group.cancelAll()
                    }
                } catch {
                    sweeper.finish(id)
                    throw error
                }
                preconditionFailure("the handler's task ended without an answer")
            }
        }
    }
}

/// The router's request context: Hummingbird's basic one, declared `Sendable` so that a request's handler can run
/// in a child task (`RequestDeadlines`).
public struct LedgerRequestContext: RequestContext, Sendable {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

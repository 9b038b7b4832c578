public import Hummingbird
import Logging

/// The outermost middleware but for CORS: turns every thrown error into the API's JSON error (`APIError`), counts it
/// by code, and records each request's latency by matched route for `/metrics`. A request whose task was cancelled
/// (its deadline passed, `RequestDeadlines`) and that failed for it is 503 `timeout` with `Retry-After` — unless its
/// body had not arrived, which is the client's delay (408).
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    /// Counts into `metrics`.
    public init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    /// Answers `next`'s response, or the JSON error for what it threw; records latency either way.
    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            var apiError = APIError(error)
            if Task.isCancelled, apiError.status != .requestTimeout {
                apiError = APIError(.serviceUnavailable, code: "timeout",
                                    "the request took longer than the server's time limit", retryAfter: 1)
            }
            if apiError.status == .internalServerError {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            metrics.recordRejection(code: apiError.code)
            response = try apiError.response(from: request, context: context)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.recordRequest(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                              status: response.status.code, seconds: seconds)
        return response
    }
}

public import Hummingbird
import HTTPTypes

/// HTTP/1.1 manners that hold for every route: exactly one `Host` header field (RFC 9112 §3.2: a request without
/// one, or with two, is answered 400), and 405 with `Allow` for a known path asked with a method it does not serve
/// (RFC 9110 §15.5.6), where the router alone would say 404 as if the path did not exist.
public struct RequestMannersMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    /// The field name of `Host`: HTTP/1.1 carries it as a header field, HTTP types as the request's authority.
    static var host: HTTPField.Name { HTTPField.Name("Host")! }

    /// Answers 405 for the methods `routes` does not list at a path it knows.
    public init(routes: RouteTable) {
        self.routes = routes
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        // The first Host field becomes the request's authority; any further one stays among the header fields.
        guard request.head.authority != nil else {
            throw APIError.malformedRequest("an HTTP/1.1 request needs a Host header field", field: "Host")
        }
        guard request.headers[Self.host] == nil else {
            throw APIError.malformedRequest("the request has more than one Host header field", field: "Host")
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // Only the router's fallback throws a bare 404: handlers answer with `APIError`s.
            guard let methods = routes.methods(at: request.uri.path) else { throw error }
            let allow = RouteTable.allow(methods)
            throw APIError(.methodNotAllowed, code: "method_not_allowed",
                           "\(request.uri.path) answers \(allow), not \(APIError.quote(request.method.rawValue))",
                           field: "method", headers: [.allow: allow])
        }
    }
}

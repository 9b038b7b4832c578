public import Hummingbird
import HTTPTypes

/// Cross-origin reads (the Fetch standard's CORS protocol): a verification page opened from a file, or served by
/// another host (`certledger page`), asks this ledger for its checkpoint, tiles, entries, proofs, look-ups and verify
/// answers. Those routes answer `Access-Control-Allow-Origin: *` (no credentials: nothing they answer depends on a
/// cookie, and the page proves every answer itself), and their preflight (an `OPTIONS` request naming
/// `Access-Control-Request-Method`) is answered 204 with the methods and the one request header (`Content-Type`)
/// allowed; any other `OPTIONS` stays a 405 with `Allow`. Every other route — submissions above all, and the
/// operator's health and metrics — carries no CORS header, so no page from elsewhere can make a clerk's browser
/// submit, nor read anything but the public log and the verifier.
///
/// Outermost of the middleware, so error answers (a 404 look-up, a 503 before the first witnessed checkpoint) carry
/// the header too and a cross-origin page can show the ledger's own message.
public struct CrossOriginReadMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    static var allowOrigin: HTTPField.Name { HTTPField.Name("Access-Control-Allow-Origin")! }
    static var allowMethods: HTTPField.Name { HTTPField.Name("Access-Control-Allow-Methods")! }
    static var allowHeaders: HTTPField.Name { HTTPField.Name("Access-Control-Allow-Headers")! }
    static var maxAge: HTTPField.Name { HTTPField.Name("Access-Control-Max-Age")! }
    static var requestMethod: HTTPField.Name { HTTPField.Name("Access-Control-Request-Method")! }

    /// The methods a page from another origin may use at `path` (a request path without its query); nil where
    /// cross-origin use is not allowed. Paths are matched segment by segment, never by prefix, so that no
    /// `..` or extra segment can lend a write route the header.
    static func methods(at path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard path.hasPrefix("/"), !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            return nil
        }
        switch Array(segments) {
        case ["v1", "verify"]:
            return [.post]
        case ["checkpoint"], ["v1", "proofs", "inclusion"], ["v1", "proofs", "consistency"], ["v1", "witness-policy"]:
            return [.get, .head]
        case let s where s.count == 3 && s[0] == "v1" && ["entries", "licenses", "seals"].contains(s[1]):
            return [.get, .head]
        case let s where s.count >= 2 && s[0] == "tile":
            return [.get, .head]
        default:
            return nil
        }
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let methods = Self.methods(at: request.uri.path) else { return try await next(request, context) }
        if request.method == .options, request.headers[Self.requestMethod] != nil {
            let allowed = (methods + [.options]).map(\.rawValue).joined(separator: ", ")
            return Response(status: .noContent, headers: [
                Self.allowOrigin: "*", Self.allowMethods: allowed, Self.allowHeaders: "Content-Type",
                Self.maxAge: "600", .allow: allowed,
            ])
        }
        var response = try await next(request, context)
        response.headers[Self.allowOrigin] = "*"
        return response
    }
}

public import Hummingbird

/// The methods each route pattern of a router answers, so that a request for a known path with a method it does not
/// serve is answered 405 with `Allow` (RFC 9110 §15.5.6) rather than 404 (which says the path does not exist).
/// Built once from `Router.routes`; `HEAD` is listed wherever `GET` is, as the router generates it.
public struct RouteTable: Sendable {
    private let routes: [(path: RouterPath, methods: Set<HTTPRequest.Method>)]

    /// The table of `routes` (a router's `routes`).
    public init(_ routes: [Router<some RequestContext>.RouteDescription]) {
        var table: [(path: RouterPath, methods: Set<HTTPRequest.Method>)] = []
        for route in routes {
            var methods: Set<HTTPRequest.Method> = [route.method]
            if route.method == .get { methods.insert(.head) }
            if let at = table.firstIndex(where: { $0.path == route.path }) {
                table[at].methods.formUnion(methods)
            } else {
                table.append((route.path, methods))
            }
        }
        self.routes = table
    }

    /// The methods served at `path` (a request path without its query), or nil when no route has that shape.
    public func methods(at path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var found: Set<HTTPRequest.Method>?
        for route in routes where Self.matches(route.path, segments) {
            found = (found ?? []).union(route.methods)
        }
        return found
    }

    /// The `Allow` header value for `methods`, in a stable order.
    static func allow(_ methods: Set<HTTPRequest.Method>) -> String {
        methods.map(\.rawValue).sorted().joined(separator: ", ")
    }

    private static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
        for (position, element) in pattern.components.enumerated() {
            if element == .recursiveWildcard { return segments.count > position }
            guard position < segments.count, element ~= segments[position] else { return false }
        }
        return pattern.components.count == segments.count
    }
}

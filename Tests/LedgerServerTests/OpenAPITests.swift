import Foundation
import Hummingbird
import LedgerServer
import Testing
import Yams

/// The served OpenAPI document describes exactly the router's routes: none missing, none invented.
@Suite struct OpenAPITests {
    /// The router's path in OpenAPI spelling: `{index}` stays, the tile catch-all `**` is the `{tilePath}` parameter.
    static func openAPIPath(_ routerPath: String) -> String {
        routerPath.replacingOccurrences(of: "**", with: "{tilePath}")
    }

    @Test func everyRouterRoute_isInTheSpec_andEverySpecRoute_isInTheRouter() async throws {
        let (served, text) = try await DevLedgerServer.run { server in
            let router = buildRouter(config: ServerConfig(), ledger: server.ledger.log, registry: server.ledger,
                                     metrics: ServerMetrics())
            let served = Set(router.routes.map {
                "\($0.method.rawValue.lowercased()) \(Self.openAPIPath("\($0.path)"))"
            })
            let text = try await server.client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
                return String(decoding: response.body.readableBytesView, as: UTF8.self)
            }
            return (served, text)
        }
        #expect(served.count == 17)
        let spec = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(spec["openapi"] as? String == "3.1.0")
        let paths = try #require(spec["paths"] as? [String: Any])
        var described = Set<String>()
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any])
            for method in operations.keys { described.insert("\(method) \(path)") }
        }
        #expect(described == served,
                "spec only: \(described.subtracting(served)), router only: \(served.subtracting(described))")
    }
}

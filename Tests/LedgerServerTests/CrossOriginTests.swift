import Foundation
import LedgerServer
import Testing

/// CORS over real sockets: a page from another origin (`certledger page`, opened as a file: origin `null`) may read
/// the log and ask the verifier, and nothing else. Read and verify routes answer `Access-Control-Allow-Origin: *`,
/// error answers included, and their preflight is answered with the methods and headers allowed; submissions, the
/// operator's routes and the served page carry no CORS header, and their preflight is refused, so no page elsewhere
/// can make a clerk's browser write to the ledger.
@Suite struct CrossOriginTests {
    static let uscc = "91350100MA2YDE7W7J"
    static let question = #"{"subject":"license","uscc":"91350100MA2YDE7W7J"}"#

    static func exchange(_ port: Int, _ method: String, _ path: String, _ fields: [String] = [],
                         body: String = "") async throws -> RawHTTP.Answer {
        let head = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close", "Origin: null"] + fields
            + (body.isEmpty ? [] : ["Content-Type: application/json", "Content-Length: \(body.utf8.count)"])
        let request = head.joined(separator: "\r\n") + "\r\n\r\n" + body
        return try await RawHTTP.exchange(port: port, [Array(request.utf8)])
    }

    static func preflight(_ port: Int, _ path: String, method: String) async throws -> RawHTTP.Answer {
        try await exchange(port, "OPTIONS", path, ["Access-Control-Request-Method: \(method)",
                                                  "Access-Control-Request-Headers: content-type"])
    }

    @Test func readAndVerifyRoutes_allowAnyOrigin_submissionsAndOperatorRoutesDoNot() async throws {
        try await DevLedgerServer.run { server in
            let port = server.client.port
            let issued = try await server.post("/v1/submissions",
                                               try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issued.status == 201, "\(issued.text)")

            for path in ["/checkpoint", "/tile/0/000.p/3", "/v1/entries/1", "/v1/proofs/inclusion?index=0&size=3",
                         "/v1/licenses/\(Self.uscc)", "/v1/licenses/91110000802100433B", "/v1/seals/35010020269999",
                         "/v1/proofs/consistency?from=1&to=3"] {
                let answer = try await Self.exchange(port, "GET", path)
                #expect(answer.status == 200 || answer.status == 404, "GET \(path): \(answer.status) \(answer.text)")
                #expect(answer.headers["access-control-allow-origin"] == "*", "GET \(path) has no CORS header")
            }
            let verified = try await Self.exchange(port, "POST", "/v1/verify", body: Self.question)
            #expect(verified.status == 200, "\(verified.text)")
            #expect(verified.headers["access-control-allow-origin"] == "*")
            let refused = try await Self.exchange(port, "POST", "/v1/verify", body: "{}")
            #expect(refused.status == 400)
            #expect(refused.headers["access-control-allow-origin"] == "*", "an error answer must be readable too")

            let verifyPreflight = try await Self.preflight(port, "/v1/verify", method: "POST")
            #expect(verifyPreflight.status == 204)
            #expect(verifyPreflight.headers["access-control-allow-origin"] == "*")
            #expect(verifyPreflight.headers["access-control-allow-methods"]?.contains("POST") == true)
            #expect(verifyPreflight.headers["access-control-allow-headers"]?.lowercased() == "content-type")
            let readPreflight = try await Self.preflight(port, "/v1/entries/1", method: "GET")
            #expect(readPreflight.status == 204)
            #expect(readPreflight.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS")

            // Writes: no header on the answer, and a preflight the browser must refuse.
            let submitted = try await Self.exchange(port, "POST", "/v1/submissions", body: "{}")
            #expect(submitted.status == 400)
            #expect(submitted.headers["access-control-allow-origin"] == nil)
            let submitPreflight = try await Self.preflight(port, "/v1/submissions", method: "POST")
            #expect(!(200..<300).contains(submitPreflight.status))
            #expect(submitPreflight.headers["access-control-allow-origin"] == nil)
            #expect(submitPreflight.headers["access-control-allow-methods"] == nil)
            // Paths that only look like read routes lend a write route nothing.
            for path in ["/v1/licenses/../submissions", "/v1/verify/extra", "/v1/entries/1/2"] {
                let answer = try await Self.preflight(port, path, method: "POST")
                #expect(answer.headers["access-control-allow-origin"] == nil, "OPTIONS \(path)")
            }
            for path in ["/healthz", "/metrics", "/", "/page/app.js", "/openapi.yaml"] {
                let answer = try await Self.exchange(port, "GET", path)
                #expect(answer.status == 200, "GET \(path): \(answer.status)")
                #expect(answer.headers["access-control-allow-origin"] == nil, "GET \(path) has a CORS header")
            }
            // An OPTIONS that is no preflight keeps its 405 with Allow.
            let plain = try await Self.exchange(port, "OPTIONS", "/v1/licenses/\(Self.uscc)")
            #expect(plain.status == 405)
            #expect(plain.headers["allow"] == "GET, HEAD")
        }
    }
}

import Foundation
import LedgerClient
import LedgerServer
import Logging
import Testing

/// HTTP manners over real sockets: HEAD wherever GET works, 405 with `Allow`, 400 for broken framing and for a
/// missing, repeated or absolute-form `Host`/target (RFC 9112), the body limit for chunked bodies, 408 for a body
/// that stalls, and error messages that name the field and quote only a prefix of what was sent.
@Suite struct HTTPMannersTests {
    static let question = #"{"subject":"license","uscc":"91350100MA2YDE7W7J"}"#

    /// A POST head for `path` with `fields` (CRLF-joined lines) and `Connection: close`.
    static func post(_ path: String, _ fields: String...) -> [UInt8] {
        Array((["POST \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"] + fields)
            .joined(separator: "\r\n").utf8) + Array("\r\n\r\n".utf8)
    }

    /// The body as chunked transfer coding: one chunk per `size` bytes and the last chunk.
    static func chunked(_ body: [UInt8], size: Int = 16 << 10) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        while start < body.count {
            let end = min(start + size, body.count)
            out += Array("\(String(end - start, radix: 16))\r\n".utf8) + body[start..<end] + Array("\r\n".utf8)
            start = end
        }
        return out + Array("0\r\n\r\n".utf8)
    }

    static func errorCode(_ answer: RawHTTP.Answer) -> String? {
        let json = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        return (json?["error"] as? [String: Any])?["code"] as? String
    }

    @Test func head_isAnsweredWhereverGetIs_withTheGetHeadersAndNoBody() async throws {
        try await DevLedgerServer.run { server in
            for path in ["/checkpoint", "/healthz", "/v1/entries/3", "/tile/0/000.p/10", "/openapi.yaml",
                         "/v1/proofs/inclusion?index=0&size=10", "/metrics"] {
                let get = try await RawHTTP.exchange(port: server.client.port, [RawHTTP.head(
                    "GET \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close")])
                let head = try await RawHTTP.exchange(port: server.client.port, [RawHTTP.head(
                    "HEAD \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close")])
                #expect(get.status == 200, "GET \(path): \(get.text)")
                #expect(head.status == get.status, "HEAD \(path)")
                #expect(head.headers["content-type"] == get.headers["content-type"], "HEAD \(path)")
                #expect(head.body.isEmpty, "HEAD \(path) sent a body")
            }
        }
    }

    @Test func wrongMethod_onAKnownPath_is405WithAllow_andAnUnknownPathStays404() async throws {
        try await DevLedgerServer.run { server in
            let cases: [(method: String, path: String, allow: String)] = [
                ("DELETE", "/checkpoint", "GET, HEAD"), ("GET", "/v1/submissions", "POST"),
                ("PUT", "/v1/verify", "POST"), ("POST", "/v1/entries/3", "GET, HEAD"),
                ("PATCH", "/tile/0/000", "GET, HEAD"), ("OPTIONS", "/v1/licenses/91350100MA2YDE7W7J", "GET, HEAD"),
            ]
            for (method, path, allow) in cases {
                let answer = try await RawHTTP.exchange(port: server.client.port, [RawHTTP.head(
                    "\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close", "Content-Length: 0")])
                #expect(answer.status == 405, "\(method) \(path): \(answer.text)")
                #expect(answer.headers["allow"] == allow, "\(method) \(path)")
                #expect(Self.errorCode(answer) == "method_not_allowed")
            }
            let unknown = try await RawHTTP.exchange(port: server.client.port, [RawHTTP.head(
                "DELETE /nowhere HTTP/1.1", "Host: 127.0.0.1", "Connection: close")])
            #expect(unknown.status == 404)
        }
    }

    @Test(arguments: ["/v1/verify", "/v1/submissions"])
    func brokenFraming_is400_notAServerError(path: String) async throws {
        let log = CapturedLines()
        try await DevLedgerServer.run(logger: Logger(label: "test") { _ in CapturedLog(lines: log) }) { server in
            let bogusCoding = try await RawHTTP.exchange(port: server.client.port, [
                Self.post(path, "Content-Type: application/json", "Transfer-Encoding: bogus"),
                Array(Self.question.utf8)])
            #expect(bogusCoding.status == 400,
                    "Transfer-Encoding: bogus: \(String(decoding: bogusCoding.raw, as: UTF8.self))")
            let badChunk = try await RawHTTP.exchange(port: server.client.port, [
                Self.post(path, "Content-Type: application/json", "Transfer-Encoding: chunked"),
                Array("zz\r\n{}\r\n0\r\n\r\n".utf8)])
            #expect(badChunk.status == 400, "chunk size zz: \(String(decoding: badChunk.raw, as: UTF8.self))")
            #expect(try await server.client.http.send("GET", "/healthz").status == 200)
        }
        #expect(log.atLeast(.error).isEmpty, "\(log.atLeast(.error))")
    }

    @Test func chunkedBody_obeysTheBodyLimit_likeADeclaredOne() async throws {
        try await DevLedgerServer.run(configure: { $0.http.bodyLimitBytes = 64 << 10 }) { server in
            let start = server.ledger.log.sequencer.head.size
            // Within the limit, chunked is served like any body.
            let small = try await RawHTTP.exchange(port: server.client.port, [
                Self.post("/v1/verify", "Content-Type: application/json", "Transfer-Encoding: chunked"),
                Self.chunked(Array(Self.question.utf8), size: 7)])
            #expect(small.status == 200, "\(small.text)")
            // 3 MiB of white space around a submission: refused at the limit, never parsed.
            for path in ["/v1/submissions", "/v1/verify"] {
                let body = Array(repeating: UInt8(ascii: " "), count: 3 << 20) + Array("{}".utf8)
                let large = try await RawHTTP.exchange(port: server.client.port, [
                    Self.post(path, "Content-Type: application/json", "Transfer-Encoding: chunked"),
                    Self.chunked(body)])
                #expect(large.status == 413, "\(path): \(large.text)")
            }
            #expect(server.ledger.log.sequencer.head.size == start, "nothing was written")
            #expect(try await server.client.http.send("GET", "/healthz").status == 200)
        }
    }

    @Test func stalledBody_is408_notA503() async throws {
        try await DevLedgerServer.run(configure: { $0.http.requestTimeoutSeconds = 1 }) { server in
            let start = ContinuousClock.now
            let answer = try await RawHTTP.exchange(port: server.client.port, [
                Self.post("/v1/verify", "Content-Type: application/json", "Content-Length: 60"),
                Array(#"{"subject":"#.utf8)], timeout: .seconds(8))
            #expect(answer.status == 408, "\(answer.text)")
            #expect(Self.errorCode(answer) == "request_timeout")
            // Answered by the server's 1 s limit, not by this client giving up at 8 s (a loaded machine is slow).
            #expect(ContinuousClock.now - start < .seconds(7))
        }
    }

    @Test func host_missingOrTwice_andAbsoluteForm_are400() async throws {
        try await DevLedgerServer.run { server in
            let heads = [
                RawHTTP.head("GET /checkpoint HTTP/1.1", "Connection: close"),
                RawHTTP.head("GET /checkpoint HTTP/1.1", "Host: 127.0.0.1", "Host: example.com", "Connection: close"),
                RawHTTP.head("GET http://127.0.0.1/checkpoint HTTP/1.1", "Host: 127.0.0.1", "Connection: close"),
                RawHTTP.head("GET 127.0.0.1:80 HTTP/1.1", "Host: 127.0.0.1", "Connection: close"),
            ]
            for head in heads {
                let answer = try await RawHTTP.exchange(port: server.client.port, [head])
                #expect(answer.status == 400, "\(String(decoding: head, as: UTF8.self)): \(answer.text)")
            }
            let fine = try await RawHTTP.exchange(port: server.client.port, [RawHTTP.head(
                "GET /checkpoint HTTP/1.1", "Host: 127.0.0.1", "Connection: close")])
            #expect(fine.status == 200)
        }
    }

    @Test func errorMessages_nameTheFieldAndTheAcceptedValues_andQuoteOnlyAPrefix() async throws {
        try await DevLedgerServer.run { server in
            let long = String(repeating: "x", count: 5000)
            let subject = try await server.post("/v1/verify", Array(#"{"subject":"\#(long)"}"#.utf8))
            let subjectText = String(decoding: subject.body, as: UTF8.self)
            #expect(subject.status == 400)
            #expect(subjectText.contains("license, seal, document"), "\(subjectText)")
            #expect(!subjectText.contains("Cannot initialize"), "\(subjectText)")
            #expect(subject.body.count < 500, "\(subjectText)")

            let digest = #"{"subject":"document","document":{"algorithm":"md5","digest":"00"}}"#
            let algorithm = try await server.post("/v1/verify", Array(digest.utf8))
            let algorithmText = String(decoding: algorithm.body, as: UTF8.self)
            #expect(algorithm.status == 400)
            #expect(algorithmText.contains(#"must be one of sha256, sm3; got \"md5\""#), "\(algorithmText)")

            let type = try await server.post("/v1/verify", Array(Self.question.utf8), contentType: "text/" + long)
            #expect(type.status == 415)
            #expect(type.body.count < 500)

            let department = #"{"kind":"license.issue","department":"\#(long)","keyId":"00","nonce":"00","#
                + #""record":{},"signature":"00"}"#
            let submission = try await server.post("/v1/submissions", Array(department.utf8))
            #expect(submission.status == 400)
            #expect(submission.body.count < 500, "\(String(decoding: submission.body, as: UTF8.self))")
        }
    }

    @Test func connectionCap_holdsNewClientsBack_untilAConnectionCloses() async throws {
        try await DevLedgerServer.run(configure: { $0.http.maxConnections = 3 }) { server in
            var idle: [Int32] = []
            defer { for fd in idle { close(fd) } }
            for _ in 0..<3 { idle.append(try HostileInputTests.connect(port: server.client.port)) }
            try await Task.sleep(for: .milliseconds(300))
            let impatient = LedgerHTTPClient(endpoint: server.client.http.endpoint, timeout: .seconds(1))
            await #expect(throws: HTTPClientError.self) { try await impatient.send("GET", "/healthz") }
            close(idle.removeLast())
            let patient = LedgerHTTPClient(endpoint: server.client.http.endpoint, timeout: .seconds(10))
            #expect(try await patient.send("GET", "/healthz").status == 200)
        }
    }
}

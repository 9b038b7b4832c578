import Foundation
import LedgerClient
import Testing

/// Issue #8 item 4, over a real socket: every hostile request gets a 4xx (or, for a body too large to take, a
/// refusal on the wire), never a 5xx; the daemon keeps answering; the ledger does not change.
@Suite struct HostileInputTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Hostile")

    struct Case {
        let method: String
        let path: String
        let contentType: String?
        let body: [UInt8]?
    }

    static func cases() throws -> [Case] {
        var cases: [Case] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 14)
        for file in files.sorted() {
            let body = Array(try Data(contentsOf: corpus.appendingPathComponent(file)))
            for path in ["/v1/submissions", "/v1/verify"] {
                cases.append(Case(method: "POST", path: path, contentType: "application/json", body: body))
            }
        }
        let deep = Array(repeating: UInt8(ascii: "["), count: 10_000) + Array(repeating: UInt8(ascii: "]"), count: 10_000)
        let deepObject = Array(String(repeating: #"{"a":"#, count: 10_000).utf8) + Array(repeating: UInt8(ascii: "}"), count: 10_000)
        for body in [deep, deepObject] {
            cases.append(Case(method: "POST", path: "/v1/submissions", contentType: "application/json", body: body))
            cases.append(Case(method: "POST", path: "/v1/verify", contentType: "application/json", body: body))
        }
        for type in ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data"] {
            cases.append(Case(method: "POST", path: "/v1/submissions", contentType: type, body: Array("{}".utf8)))
        }
        cases.append(Case(method: "POST", path: "/v1/verify", contentType: nil, body: Array("{}".utf8)))
        for path in ["/tile/../log.sqlite", "/tile/0/../../etc/passwd", "/tile/%2e%2e/%2e%2e/etc/passwd",
                     "/tile/0/x001/../000", "/tile/entries/..%2f..%2fcheckpoint.skey", "/tile/0/-1", "/tile/-1/000",
                     "/tile/99/000", "/tile/0/000.p/0", "/tile/0/000.p/257", "/tile/0/x999999999999/000",
                     "/v1/entries/-1", "/v1/entries/18446744073709551616", "/v1/entries/9007199254740993",
                     "/v1/entries/1e3", "/v1/proofs/inclusion?index=-1&size=5",
                     "/v1/proofs/inclusion?index=0&size=99999999999999999999",
                     "/v1/proofs/consistency?from=18446744073709551615&to=1", "/v1/licenses/..%2f..",
                     "/v1/licenses/" + String(repeating: "9", count: 5000), "/v1/seals/%00%00", "/checkpoint/../x"] {
            cases.append(Case(method: "GET", path: path, contentType: nil, body: nil))
        }
        for method in ["PUT", "DELETE", "PATCH"] {
            cases.append(Case(method: method, path: "/v1/submissions", contentType: "application/json",
                              body: Array("{}".utf8)))
        }
        return cases
    }

    @Test func hostileCorpus_isAlways4xx_neverChangesTheLedger_andTheDaemonKeepsServing() async throws {
        try await DevLedgerServer.run { server in
            let before = server.ledger.log.sequencer.head
            var fiveHundreds: [String] = []
            var answered = 0
            for item in try Self.cases() {
                var headers: [(String, String)] = []
                if let type = item.contentType { headers.append(("Content-Type", type)) }
                let response = try await server.client.http.send(item.method, item.path, headers: headers,
                                                                 body: item.body)
                answered += 1
                if response.status >= 500 {
                    fiveHundreds.append("\(item.method) \(item.path) \(String(decoding: (item.body ?? []).prefix(60), as: UTF8.self)) → \(response.status)")
                }
                #expect((400..<500).contains(response.status), "\(item.method) \(item.path): \(response.status)")
                if response.status >= 400, item.method != "HEAD" {
                    // Every refusal is the JSON error shape.
                    #expect(response.text.hasPrefix(#"{"error":{"#), "\(item.path): \(response.text.prefix(120))")
                }
            }
            #expect(fiveHundreds.isEmpty, "\(fiveHundreds)")
            #expect(answered >= 60)
            #expect(server.ledger.log.sequencer.head.size == before.size)
            #expect(try await server.client.http.send("GET", "/healthz").status == 200)
        }
    }

    @Test func hundredMegabyteBody_isRefusedWithoutReadingIt_andTheDaemonKeepsServing() async throws {
        try await DevLedgerServer.run { server in
            let start = server.ledger.log.sequencer.head.size
            let body = [UInt8](repeating: UInt8(ascii: " "), count: 100 << 20)
            do {
                let response = try await server.client.http.send("POST", "/v1/submissions",
                                                                 headers: [("Content-Type", "application/json")],
                                                                 body: body)
                #expect(response.status == 413)
            } catch let error as HTTPClientError {
                // The daemon may answer 413 and close before the client has finished writing 100 MB: the write
                // then fails. Either way nothing was accepted.
                #expect(error.code == .protocolError, "\(error)")
            }
            #expect(try await server.client.http.send("GET", "/healthz").status == 200)
            #expect(server.ledger.log.sequencer.head.size == start, "nothing was written")
        }
    }

    @Test func slowClientsHoldingConnections_doNotStopOthersBeingServed() async throws {
        try await DevLedgerServer.run { server in
            // Eight clients each send half a request head and then nothing.
            var sockets: [Int32] = []
            defer { for fd in sockets { close(fd) } }
            for _ in 0..<8 {
                let fd = try Self.connect(port: server.client.port)
                let partial = Array("POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n".utf8)
                _ = partial.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                sockets.append(fd)
            }
            // Each request must be answered well inside the client's own 10 s limit (a server stuck behind the slow
            // connections would time the client out instead).
            let client = LedgerHTTPClient(endpoint: server.client.http.endpoint, timeout: .seconds(10))
            for _ in 0..<20 { #expect(try await client.send("GET", "/checkpoint").status == 200) }
        }
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw HTTPClientError(.unreachable, "connect failed")
        }
        return fd
    }
}

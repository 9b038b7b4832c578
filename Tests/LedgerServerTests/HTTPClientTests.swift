import LedgerClient
import Testing

/// The CLI's HTTP client: URL parsing that refuses what it cannot honour, keep-alive, and errors that say why.
@Suite struct HTTPClientTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080", "127.0.0.1", 8080, ""),
        ("http://ledger.example", "ledger.example", 80, ""),
        ("http://[::1]:9000/ledger/", "::1", 9000, "/ledger"),
        ("http://host:1/a/b", "host", 1, "/a/b"),
        ("https://ledger.example", "ledger.example", 443, ""),
        ("https://[::1]:8443/x", "::1", 8443, "/x"),
    ])
    func endpoint_parsesHostPortAndPrefix(url: String, host: String, port: Int, prefix: String) throws {
        let endpoint = try HTTPEndpoint(parsing: url)
        #expect(endpoint.host == host && endpoint.port == port && endpoint.pathPrefix == prefix)
        #expect(endpoint.scheme == (url.hasPrefix("https") ? "https" : "http"))
        #expect(endpoint.url(path: "/checkpoint").hasPrefix(endpoint.scheme + "://"))
    }

    @Test(arguments: [
        ("ftp://x", "must start with http:// or https://"), ("http://user:pw@host", "passwords"),
        ("http://host/?q=1", "query"),
        ("http://:80", "no host"), ("http://host:0", "port 0"), ("http://host:99999", "port 99999"),
        ("http://host:eighty", "not a number"), ("http://[::1", "unclosed"),
    ])
    func badEndpoint_isRefusedWithTheReason(url: String, reason: String) {
        let error = #expect(throws: HTTPClientError.self) { try HTTPEndpoint(parsing: url) }
        #expect(error?.code == .badURL)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test func keepAliveConnection_carriesSeveralRequestsInOrder() async throws {
        let log = try await TestLedger.make(entries: 3)
        defer { log.remove() }
        try await log.withLiveClient { client in
            let statuses = try await client.http.withConnection { connection throws(HTTPClientError) in
                var seen: [Int] = []
                for index in [0, 1, 2, 3] { seen.append(try await connection.send("GET", "/v1/entries/\(index)").status) }
                return seen
            }
            #expect(statuses == [200, 200, 200, 404])
        }
    }

    @Test func nothingListening_isUnreachableNamingTheAddress() async throws {
        // Port 1 on loopback: nothing listens there on a test machine, and connecting is refused at once.
        let client = LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: 1), timeout: .seconds(5))
        let error = await #expect(throws: HTTPClientError.self) { _ = try await client.send("GET", "/checkpoint") }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("127.0.0.1:1") == true)
    }
}

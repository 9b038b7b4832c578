import Foundation
import Hummingbird
import LedgerClient
import LedgerServer
import Log
import Testing
import LogStoreContract

/// The one place where failures get their HTTP status, and the limits middleware.
@Suite struct APIErrorTests {
    @Test(arguments: [
        (LogError(.outOfRange, field: "index", "index 9 out of range for tree size 8"), 404, nil),
        (LogError(.malformedEntry, field: "entry", "bad"), 400, nil),
        (LogError(.entryTooLarge, field: "submission", "too big"), 413, nil),
        (LogError(.rejected, field: "uscc", "already live"), 409, nil),
        (LogError(.overloaded, "queue full", retryAfter: 3), 503, 3),
        (LogError(.shuttingDown, "stopping"), 503, 5),
        (LogError(.inconsistent, "root differs"), 503, 1),
        (LogError(.storeFailed, "disk"), 503, 1),
    ] as [(LogError, Int, Int?)])
    func logError_mapsToItsStatusCodeFieldAndRetryAfter(error: LogError, status: Int, retryAfter: Int?) {
        let api = APIError(error)
        #expect(api.status.code == status)
        #expect(api.code == error.code.rawValue)
        #expect(api.field == error.field)
        #expect(api.message == error.reason)
        #expect(api.retryAfter == retryAfter)
    }

    @Test func merkleAndUnknownErrors_map400And500WithoutLeakingDetails() {
        let path = APIError(MerkleError(.malformedTilePath, field: "index", "index group \"..\" is not 3 digits"))
        #expect(path.status == .badRequest && path.code == "malformed_tile_path")
        let missing = APIError(MerkleError(.missingTile, field: "tile(0, 1)", "missing"))
        #expect(missing.status == .serviceUnavailable && missing.retryAfter == 1)
        struct Secret: Error { let password = "hunter2" }
        let unknown = APIError(Secret())
        #expect(unknown.status == .internalServerError && unknown.code == "internal")
        #expect(!unknown.message.contains("hunter2"))
    }

    /// A router with the production middleware and test routes that fail or stall on purpose.
    private func testApplication(timeout: Duration,
                                 onServerRunning: @escaping @Sendable (Int?) async -> Void) -> some ApplicationProtocol {
        let metrics = ServerMetrics()
        let router = Router(context: LedgerRequestContext.self)
        router.addMiddleware {
            ErrorMiddleware(metrics: metrics)
            LimitsMiddleware(bodyLimit: 1024)
        }
        router.get("/overloaded") { _, _ -> Response in
            throw LogError(.overloaded, "8192 entries are waiting (limit 8192); retry later", retryAfter: 2)
        }
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(30))
            return "too late"
        }
        router.get("/fast") { _, _ -> String in "in time" }
        router.get("/metrics") { _, _ in metrics.render(treeSize: 0, checkpointAgeSeconds: nil) }
        let deadlines = RequestDeadlines(router, timeout: timeout)
        return Application(router: deadlines, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           services: [deadlines.sweeper], onServerRunning: { await onServerRunning($0.localAddress?.port) },
                           logger: quietLogger("test"))
    }

    @Test func overloaded_is503WithRetryAfterAndTheJSONErrorShape() async throws {
        try await withLiveServer({ testApplication(timeout: .seconds(5), onServerRunning: $0) }) { client in
            try await client.execute(uri: "/overloaded", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "2")
                let body = try ErrorBody(response.body)
                #expect(body.error.code == "overloaded" && body.error.message.contains("8192"))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(metric(response.body.text, "certledger_rejections_total{reason=\"overloaded\"}") == 1)
            }
        }
    }

    @Test func handlerPastTheTimeout_isCancelledAndAnswered503() async throws {
        try await withLiveServer({ testApplication(timeout: .milliseconds(100), onServerRunning: $0) }) { client in
            let start = ContinuousClock.now
            try await client.execute(uri: "/slow", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                let body = try ErrorBody(response.body)
                #expect(body.error.code == "timeout")
            }
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }

    /// A timeout cancels the request, not the connection: the next request on the same kept-alive connection is
    /// answered normally (cancelling the connection's own task would leave every later request cancelled).
    @Test func afterATimeout_theSameKeptAliveConnectionServesTheNextRequest() async throws {
        try await withLiveServer({ testApplication(timeout: .milliseconds(100), onServerRunning: $0) }) { client in
            let answers = try await client.http.withConnection { connection throws(HTTPClientError) in
                [try await connection.send("GET", "/slow"), try await connection.send("GET", "/fast"),
                 try await connection.send("GET", "/fast")]
            }
            #expect(answers[0].status == 503 && answers[0].text.contains("\"timeout\""))
            #expect(answers.dropFirst().allSatisfy { $0.status == 200 && $0.text == "in time" })
        }
    }
}

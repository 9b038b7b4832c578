import HTTPTypes
import Hummingbird
import LedgerClient
import Logging
import ServiceLifecycle
import LogStoreContract

/// Runs an application on 127.0.0.1 (port 0: the kernel picks a free one) for the duration of `body`, which gets
/// a client speaking real HTTP/1.1 over a real socket to it — every daemon test goes through the network stack,
/// not an in-process router shortcut. `make` builds the application with the callback that reports its port.
func withLiveServer<App: ApplicationProtocol, T: Sendable>(
    _ make: (_ onServerRunning: @escaping @Sendable (Int?) async -> Void) throws -> App,
    group makeGroup: (App) -> ServiceGroup = {
        ServiceGroup(configuration: .init(services: [$0], gracefulShutdownSignals: [],
                                          logger: quietLogger("live-test")))
    },
    _ body: (LiveClient) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int?.self)
    let app = try make { port in continuation.yield(port) }
    let group = makeGroup(app)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            try await group.run()
            continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let reported = await iterator.next(), let port = reported else {
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            throw LiveServerError.didNotStart
        }
        let client = LiveClient(http: LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port),
                                                       timeout: .seconds(30)))
        let result: T
        do {
            result = try await body(client)
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}

enum LiveServerError: Error { case didNotStart }

/// An answer as the tests look at it: Hummingbird's typed status and header fields over the raw bytes.
struct LiveResponse {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer
}

/// The tests' client: one connection per request (as most clients of a ledger behave), typed answers.
struct LiveClient {
    let http: LedgerHTTPClient

    var port: Int { http.endpoint.port }

    @discardableResult
    func execute<T>(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
                    _ check: (LiveResponse) async throws -> T) async throws -> T {
        let answer = try await http.send(method.rawValue, uri, headers: headers.map { ($0.name.rawName, $0.value) },
                                         body: body.map { Array($0.readableBytesView) })
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return try await check(LiveResponse(status: HTTPResponse.Status(code: answer.status), headers: fields,
                                            body: ByteBuffer(bytes: answer.body)))
    }
}

/// The value of one series (`name{labels}` exactly as exposed) in Prometheus text, nil if it is not there.
func metric(_ text: String, _ series: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

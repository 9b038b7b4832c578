public import Hummingbird
public import Logging
import NIOCore
public import Witness

/// The witness's routes: C2SP tlog-witness `POST /add-checkpoint`, `GET /<origin hash>/checkpoint` (tlog-witness
/// §Monitor Retrieval), `GET /metrics` (Prometheus text) and `GET /healthz`. Public so tests drive exactly what is
/// served.
public func buildWitnessRouter(witness: Witness) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.post("/add-checkpoint") { request, _ -> Response in
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: AddCheckpointRequest.maxBytes)
        } catch is NIOTooManyBytesError {
            return text(.contentTooLarge, "the body is larger than \(AddCheckpointRequest.maxBytes) bytes\n")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return text(.contentTooLarge, "the body is larger than \(AddCheckpointRequest.maxBytes) bytes\n")
        }
        let answer = await witness.addCheckpoint(body: Array(body.readableBytesView))
        return Response(status: HTTPResponse.Status(code: answer.status),
                        headers: [.contentType: answer.contentType, .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
    router.get("/metrics") { _, _ -> Response in
        Response(status: .ok,
                 headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: await witness.metricsText())))
    }
    router.get("/healthz") { _, _ -> Response in
        do {
            _ = try await witness.store.logs()
            return text(.ok, "ok\n")
        } catch {
            return text(.serviceUnavailable, "the witness state is unavailable\n")
        }
    }
    router.get("/:originHash/checkpoint") { _, context -> Response in
        let hash = context.parameters.get("originHash") ?? ""
        guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return text(.notFound, "not a lower-case hex SHA-256 of an origin\n") }
        guard let note = try await witness.latestCheckpoint(originHash: hash) else {
            return text(.notFound, "no checkpoint cosigned for that origin\n")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: note)))
    }
    return router
}

private func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
    Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
             body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

/// The witness's HTTP application (Hummingbird 2), listening on `host:port` (port 0: any free port, reported to
/// `onServerRunning`). The command line and the tests both build it here.
public func buildWitnessApplication(
    witness: Witness, host: String, port: Int, logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildWitnessRouter(witness: witness),
        server: .http1(configuration: .init(idleTimeout: .seconds(60))),
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "certledger-witness"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger
    )
}

/// Serves `witness` until SIGTERM or SIGINT, then stops accepting and lets requests in flight finish.
public func serveWitness(
    witness: Witness, host: String, port: Int, logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
) async throws {
    try await buildWitnessApplication(witness: witness, host: host, port: port, logger: logger,
                                      onServerRunning: onServerRunning).runService()
}

public import Hummingbird
import HummingbirdCore
public import Logging

/// The router with every route of the API (DESIGN.md §5) and its middleware: CORS for the read and verify routes
/// outermost (`CrossOriginReadMiddleware`), errors as JSON and metrics next, then HTTP manners (one `Host`, 405 with
/// `Allow`), then the body limit (the time limit is around the router: `RequestDeadlines`). Every `GET` route answers
/// `HEAD` too. Public so tests (and the OpenAPI check) see exactly what is served.
public func buildRouter(config: ServerConfig, ledger: LedgerLog, registry: Ledger? = nil,
                        metrics: ServerMetrics) -> Router<LedgerRequestContext> {
    func addRoutes(to router: Router<LedgerRequestContext>) {
        TileController(ledger: ledger).addRoutes(to: router)
        ProofController(ledger: ledger).addRoutes(to: router)
        OpsController(ledger: ledger, metrics: metrics,
                      witnessMaxAge: config.witnesses.map { Double($0.maxAgeSeconds) },
                      witnessNote: config.witnesses?.note).addRoutes(to: router)
        if let registry {
            SubmissionController(ledger: registry, departmentQueueLimit: config.sequencer.departmentQueueLimit,
                                 retryAfter: config.sequencer.retryAfterSeconds,
                                 readOnly: config.store.postgres?.readOnly ?? false,
                                 witnessWait: .seconds(max(1, config.http.requestTimeoutSeconds - 1)),
                                 bulkMaxLines: config.http.bulkMaxLines, bulkBodyLimit: config.http.bodyLimitBytes)
                .addRoutes(to: router)
            RegistryController(ledger: registry, readAccess: config.readAccess).addRoutes(to: router)
            VerificationPageController(ledger: ledger, witnesses: config.witnesses).addRoutes(to: router)
        }
    }
    // Middleware wraps only the routes added after it, and the 405 answer needs the table of every route: the
    // routes are added once to a router that only lists them, then to the one that serves them.
    let listing = Router(context: LedgerRequestContext.self)
    addRoutes(to: listing)
    let router = Router(context: LedgerRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.addMiddleware {
        CrossOriginReadMiddleware()
        ErrorMiddleware(metrics: metrics)
        RequestMannersMiddleware(routes: RouteTable(listing.routes))
        LimitsMiddleware(bodyLimit: config.http.bodyLimitBytes)
    }
    addRoutes(to: router)
    return router
}

/// The HTTP application (Hummingbird 2): the function both `certledgerd` and the tests call. It serves reads of
/// `ledger` at its sequencer's durable head; the sequencer itself is run beside it by the caller (one
/// `ServiceGroup`, so shutdown stops the server first and lets the sequencer drain).
///
/// With `tls`, connections start with TLS (`TLSCertificates`, reloadable); without, plain HTTP.
///
/// - Throws: `LedgerServerError.unsupported` for `readAccess: departments` without a Registry: restricted reads
///   need the department keys to authenticate callers, and serving such a log publicly instead would silently
///   widen access.
public func buildApplication(
    config: ServerConfig, ledger: Ledger, metrics: ServerMetrics = ServerMetrics(), tls: TLSCertificates? = nil,
    logger: Logger, onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    try buildApplication(config: config, log: ledger.log, registry: ledger, metrics: metrics, tls: tls,
                         logger: logger, onServerRunning: onServerRunning)
}

/// The HTTP application over a bare log, without the Registry: tiles, checkpoint, entries and proofs only — what
/// a read-only mirror of a log serves, and what the log-level tests exercise. A ledger daemon always serves a
/// `Ledger` (the overload above), whose Registry guards every write.
public func buildApplication(
    config: ServerConfig, log: LedgerLog, registry: Ledger? = nil, metrics: ServerMetrics = ServerMetrics(),
    tls: TLSCertificates? = nil, logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    guard config.readAccess == .public || registry != nil else {
        throw LedgerServerError(.unsupported, field: "readAccess",
            "readAccess \"\(config.readAccess.rawValue)\" needs the Registry's department keys; a bare log is "
            + "served publicly or not at all")
    }
    let router = RequestDeadlines(buildRouter(config: config, ledger: log, registry: registry, metrics: metrics),
                                  timeout: .seconds(config.http.requestTimeoutSeconds))
    let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(config.http.idleTimeoutSeconds)))
    return Application(
        router: router,
        server: HTTPServerBuilder { responder in
            let channel = OriginFormHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: http1))
            return tls?.wrapping(channel) ?? channel
        },
        configuration: ApplicationConfiguration(
            address: .hostname(config.listen.host, port: config.listen.port), serverName: "certledgerd",
            availableConnectionsDelegate: ConnectionCap(
                limit: ConnectionCap.limit(configured: config.http.maxConnections), logger: logger)),
        services: [router.sweeper],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger
    )
}

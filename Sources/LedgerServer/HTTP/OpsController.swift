import Foundation
public import Hummingbird
import Log

/// Operations routes (DESIGN.md §5): `/healthz` for load balancers and systemd watchdogs, `/metrics` for
/// Prometheus, `/openapi.yaml` describing the API this build serves.
public struct OpsController<Context: RequestContext>: Sendable {
    let ledger: LedgerLog
    let metrics: ServerMetrics

    /// Reports on `ledger`, exposes `metrics`.
    public init(ledger: LedgerLog, metrics: ServerMetrics) {
        self.ledger = ledger
        self.metrics = metrics
    }

    /// Registers this controller's GET routes.
    public func addRoutes(to router: Router<Context>) {
        router.get("/healthz") { _, _ in try await health() }
        router.get("/metrics") { _, _ in
            Response(status: .ok,
                     headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metricsText())))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok,
                     headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
    }

    /// Seconds since the batch of the last checkpoint (its entries' `time`); nil for the empty log.
    private func checkpointAge(_ head: TreeHead) -> Double? {
        guard head.size > 0 else { return nil }
        let now = Timestamp.now().millisecondsSinceEpoch
        return Double(max(0, now - head.lastTime.millisecondsSinceEpoch)) / 1000
    }

    func metricsText() -> String {
        let head = ledger.snapshot.head
        let writable = ledger.writes.failure == nil ? 1 : 0
        return metrics.render(treeSize: head.size, checkpointAgeSeconds: checkpointAge(head)) + """
            # HELP certledger_store_writable 1 while the log store accepts batches, 0 while it refuses them.
            # TYPE certledger_store_writable gauge
            certledger_store_writable \(writable)
            # HELP certledger_store_write_failures_total Batches the log store refused (disk full, read-only, I/O).
            # TYPE certledger_store_write_failures_total counter
            certledger_store_write_failures_total \(ledger.writes.totalFailures)

            """
    }

    struct Health: Encodable {
        let status: String
        let treeSize: UInt64
        let checkpointAgeSeconds: Double?
        let reason: String?
    }

    /// 200 while the store answers a read; 503 (+Retry-After) when it does not, so a balancer takes this
    /// instance out of rotation instead of sending it requests it would fail.
    ///
    /// A store that answers reads but refuses writes (disk full, read-only) is `"degraded"` with the reason, still
    /// 200: reads are served, and a balancer that dropped the instance would stop the very submissions whose
    /// success ends the degraded state. `/metrics` has it as `certledger_store_writable 0` for alerting.
    func health() async throws -> Response {
        let head = ledger.snapshot.head
        var status = HTTPResponse.Status.ok
        var health = Health(status: "ok", treeSize: head.size, checkpointAgeSeconds: checkpointAge(head), reason: nil)
        if let failure = ledger.writes.failure {
            health = Health(status: "degraded", treeSize: head.size, checkpointAgeSeconds: health.checkpointAgeSeconds,
                            reason: "the log store refuses writes since \(failure.since) (\(failure.failedBatches) "
                                + "batches): \(StoreWriteMonitor.diagnosis(failure.lastError)); submissions get 503")
        }
        do {
            _ = try await ledger.store.head()
        } catch {
            status = .serviceUnavailable
            health = Health(status: "unavailable", treeSize: head.size,
                            checkpointAgeSeconds: health.checkpointAgeSeconds,
                            reason: "the log store does not answer: \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if status != .ok { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(health))))
    }
}

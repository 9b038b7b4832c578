import Foundation
public import Hummingbird
import Log

/// Operations routes (DESIGN.md §5): `/healthz` for load balancers and systemd watchdogs, `/metrics` for
/// Prometheus, `/openapi.yaml` describing the API this build serves.
public struct OpsController<Context: RequestContext>: Sendable {
    let ledger: LedgerLog
    let metrics: ServerMetrics
    /// With witnesses: `/healthz` is `degraded` once the newest witnessed checkpoint is older than this (seconds).
    let witnessMaxAge: Double?
    /// With witnesses: a word about them for `/healthz` (`ServerConfig.Witnesses.note`).
    let witnessNote: String?

    /// Reports on `ledger`, exposes `metrics`.
    public init(ledger: LedgerLog, metrics: ServerMetrics, witnessMaxAge: Double? = nil, witnessNote: String? = nil) {
        self.ledger = ledger
        self.metrics = metrics
        self.witnessMaxAge = witnessMaxAge
        self.witnessNote = witnessNote
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
        metrics.set("certledger_store_writable", ledger.writes.failure == nil ? 1 : 0,
                    help: "1 while the log store accepts batches, 0 while it refuses them.")
        metrics.set("certledger_store_write_failures_total", Double(ledger.writes.totalFailures),
                    help: "Batches the log store refused (disk full, read-only, I/O).")
        var failed = 0.0, complete = 0.0, verified: UInt64 = 0
        switch ledger.integrity.status {
        case .notRun, .incomplete: break
        case .verifying(let done, _): verified = done
        case .verified(let size, _): verified = size; complete = 1
        case .failed(let at, _):
            failed = 1
            if let at {
                metrics.set("certledger_integrity_failed_index", Double(at),
                            help: "The first damaged index the background verification found.")
            }
        }
        metrics.set("certledger_integrity_failed", failed,
                    help: "1 once the background verification found the store damaged (see /healthz).")
        metrics.set("certledger_integrity_verified_entries", Double(verified),
                    help: "Entries the background verification has checked so far.")
        metrics.set("certledger_integrity_complete", complete,
                    help: "1 once the whole store as of start-up passed the background verification.")
        return metrics.render(treeSize: head.size, checkpointAgeSeconds: checkpointAge(head))
            + WitnessMetrics.render(ledger.witnessing)
    }

    struct Health: Encodable {
        let status: String
        let treeSize: UInt64
        let checkpointAgeSeconds: Double?
        let reason: String?
        /// The background verification: `pending` (not started or off), `verifying`, `verified`, `failed` or `incomplete`.
        var integrity: String? = nil
        /// With `failed`: the first damaged index, when the damage concerns an entry.
        var integrityIndex: UInt64? = nil
        /// With witnesses: the size of the newest witnessed checkpoint (none before the first).
        var witnessedSize: UInt64? = nil
        /// With witnesses: seconds since it was collected (since start before the first).
        var witnessedAgeSeconds: Double? = nil
        /// With witnesses that carry a note (the demo witnesses of a development daemon): the note.
        var witnessNote: String? = nil
    }

    /// The background verification's word for `/healthz`.
    static func integrityWord(_ status: StoreIntegrity.Status) -> String {
        switch status {
        case .notRun: "pending"
        case .verifying: "verifying"
        case .verified: "verified"
        case .failed: "failed"
        case .incomplete: "incomplete"
        }
    }

    /// 200 while the store answers a read; 503 (+Retry-After) when it does not, so a balancer takes this
    /// instance out of rotation instead of sending it requests it would fail. 503 `"failed"` too once the background
    /// verification found the store damaged, with the index and the reason: that never clears by itself.
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
        if let maxAge = witnessMaxAge, health.status == "ok", ledger.witnessing.age() > maxAge {
            health = Health(status: "degraded", treeSize: head.size, checkpointAgeSeconds: health.checkpointAgeSeconds,
                            reason: WitnessMetrics.staleReason(ledger.witnessing, maxAge: maxAge))
        }
        do {
            _ = try await ledger.store.head()
        } catch {
            status = .serviceUnavailable
            health = Health(status: "unavailable", treeSize: head.size,
                            checkpointAgeSeconds: health.checkpointAgeSeconds,
                            reason: "the log store does not answer: \(error)")
        }
        let integrity = ledger.integrity.status
        if case .failed(let index, let reason) = integrity {
            status = .serviceUnavailable
            let at = index.map { "index \($0)" } ?? "the checkpoint"
            health = Health(status: "failed", treeSize: head.size, checkpointAgeSeconds: health.checkpointAgeSeconds,
                            reason: "the store is damaged at \(at): \(reason); submissions are refused")
            health.integrityIndex = index
        }
        if ledger.witnessing.isEnabled {
            health.witnessedSize = ledger.witnessing.witnessed?.checkpoint.size
            health.witnessedAgeSeconds = (ledger.witnessing.age() * 1000).rounded() / 1000
            health.witnessNote = witnessNote
        }
        health.integrity = Self.integrityWord(integrity)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if status != .ok { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(health))))
    }
}

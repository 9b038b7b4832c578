import Prometheus

/// The daemon's Prometheus metrics (`GET /metrics`, text exposition format 0.0.4), kept in a swift-prometheus
/// `PrometheusCollectorRegistry` of its own: one per application, no process-global `MetricsSystem.bootstrap`, so
/// the tests can build many applications in one process, each with its own counters.
///
/// Label values come from the code, never from clients: the matched route pattern (not the raw path), the method,
/// the status, an error's machine code.
public final class ServerMetrics: Sendable {
    /// Request latency buckets: reads take well under a millisecond, submissions wait for an fsync.
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2_500), .seconds(10),
    ]
    /// Batch size buckets in entries (a batch holds at most `maxBatchEntries`, 256 by default).
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    /// Every series of this daemon.
    let registry = PrometheusCollectorRegistry()
    private let entries: Counter
    private let batches: ValueHistogram

    /// Empty series.
    public init() {
        entries = registry.makeCounter(name: "certledger_entries_total",
                                       help: "Entries that entered the log since this process started.")
        batches = registry.makeValueHistogram(name: "certledger_batch_entries", buckets: Self.batchBuckets,
                                              help: "Entries per durable batch.")
    }

    /// One answered request: `route` is the matched route pattern (never the raw path, which would let clients
    /// create series at will), `status` the HTTP status.
    public func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        registry.makeDurationHistogram(name: "certledger_http_request_duration_seconds",
                                       labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets,
                                       help: "Time to answer a request, by route.")
            .record(.nanoseconds(Int64(max(0, seconds) * 1e9)))
        registry.makeCounter(name: "certledger_http_requests_total",
                             labels: [("method", method), ("route", route), ("status", String(status))],
                             help: "Answered requests by route and status.")
            .increment()
    }

    /// One request refused, by the error's machine code (`out_of_range`, `overloaded`, …).
    public func recordRejection(code: String) {
        registry.makeCounter(name: "certledger_rejections_total", labels: [("reason", code)],
                             help: "Requests refused, by error code.")
            .increment()
    }

    /// One durable batch of `entries` entries (from `MeteredGate`).
    public func recordBatch(entries count: Int) {
        batches.record(Double(count))
        entries.increment(by: Int64(count))
    }

    /// Entries that entered the log without a batch of this process (another daemon, or an unknown outcome).
    public func recordObserved(entries count: Int) {
        entries.increment(by: Int64(count))
    }

    /// Sets a gauge read at scrape time.
    public func set(_ name: String, _ value: Double, help: String) {
        registry.makeGauge(name: name, help: help).set(value)
    }

    /// The exposition text; `treeSize` and `checkpointAge` are read from the log at scrape time.
    public func render(treeSize: UInt64, checkpointAgeSeconds: Double?) -> String {
        set("certledger_tree_size", Double(treeSize), help: "Entries in the log at the last durable checkpoint.")
        if let age = checkpointAgeSeconds {
            set("certledger_checkpoint_age_seconds", age, help: "Seconds since the last checkpoint's batch.")
        }
        return registry.emitToString()
    }
}

import Synchronization

/// The daemon's Prometheus metrics (`GET /metrics`, text exposition format 0.0.4), kept by hand.
///
/// Written by hand rather than through swift-metrics + swift-prometheus: `MetricsSystem.bootstrap` is
/// process-global and may run once, while tests build many applications per process, each wanting its own
/// counters; and the handful of series here (a counter family, two histograms, gauges) is a hundred lines.
public final class ServerMetrics: Sendable {
    /// Request latency buckets in seconds: reads take well under a millisecond, submissions wait for an fsync.
    static let latencyBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10]
    /// Batch size buckets in entries (a batch holds at most `maxBatchEntries`, 256 by default).
    static let batchBounds: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    private struct State {
        var latency: [String: Histogram] = [:]
        var requests: [String: UInt64] = [:]
        var rejections: [String: UInt64] = [:]
        var batches = Histogram(bounds: ServerMetrics.batchBounds)
        var entries: UInt64 = 0
    }

    /// Guards every series: each update is a few additions, so one lock for all is cheaper than many.
    private let state = Mutex(State())

    /// Empty series.
    public init() {}

    /// One answered request: `route` is the matched route pattern (never the raw path, which would let clients
    /// create series at will), `status` the HTTP status.
    public func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        let labels = "method=\"\(method)\",route=\"\(Self.escape(route))\""
        state.withLock { s in
            s.latency[labels, default: Histogram(bounds: Self.latencyBounds)].observe(seconds)
            s.requests[labels + ",status=\"\(status)\"", default: 0] += 1
        }
    }

    /// One request refused, by the error's machine code (`out_of_range`, `overloaded`, …).
    public func recordRejection(code: String) {
        state.withLock { $0.rejections[Self.escape(code), default: 0] += 1 }
    }

    /// One durable batch of `entries` entries (from `MeteredGate`).
    public func recordBatch(entries: Int) {
        state.withLock { s in
            s.batches.observe(Double(entries))
            s.entries += UInt64(entries)
        }
    }

    /// Entries that entered the log without a batch of this process (another daemon, or an unknown outcome).
    public func recordObserved(entries: Int) {
        state.withLock { $0.entries += UInt64(entries) }
    }

    /// The exposition text; `treeSize` and `checkpointAge` are read from the log at scrape time.
    public func render(treeSize: UInt64, checkpointAgeSeconds: Double?) -> String {
        let s = state.withLock { $0 }
        var lines: [String] = []
        lines += ["# HELP certledger_tree_size Entries in the log at the last durable checkpoint.",
                  "# TYPE certledger_tree_size gauge", "certledger_tree_size \(treeSize)"]
        if let age = checkpointAgeSeconds {
            lines += ["# HELP certledger_checkpoint_age_seconds Seconds since the last checkpoint's batch.",
                      "# TYPE certledger_checkpoint_age_seconds gauge",
                      "certledger_checkpoint_age_seconds \(Histogram.format(age))"]
        }
        lines += ["# HELP certledger_entries_total Entries that entered the log since this process started.",
                  "# TYPE certledger_entries_total counter", "certledger_entries_total \(s.entries)"]
        lines += ["# HELP certledger_batch_entries Entries per durable batch.",
                  "# TYPE certledger_batch_entries histogram"]
        lines += s.batches.lines(name: "certledger_batch_entries", labels: "")
        lines += ["# HELP certledger_http_requests_total Answered requests by route and status.",
                  "# TYPE certledger_http_requests_total counter"]
        lines += s.requests.keys.sorted().map { "certledger_http_requests_total{\($0)} \(s.requests[$0] ?? 0)" }
        lines += ["# HELP certledger_http_request_duration_seconds Time to answer a request, by route.",
                  "# TYPE certledger_http_request_duration_seconds histogram"]
        for labels in s.latency.keys.sorted() {
            lines += s.latency[labels]?.lines(name: "certledger_http_request_duration_seconds", labels: labels) ?? []
        }
        lines += ["# HELP certledger_rejections_total Requests refused, by error code.",
                  "# TYPE certledger_rejections_total counter"]
        lines += s.rejections.keys.sorted().map {
            "certledger_rejections_total{reason=\"\($0)\"} \(s.rejections[$0] ?? 0)"
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Label values escape backslash, quote and newline (exposition format 0.0.4).
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

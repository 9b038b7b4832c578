/// A Prometheus histogram's state (cumulative buckets, sum, count) for one label set, as the text exposition
/// format 0.0.4 writes it: `_bucket{le="…"}`, `_sum`, `_count`.
struct Histogram: Sendable {
    /// Upper bounds, ascending; `+Inf` is implicit.
    let bounds: [Double]
    /// Observations ≤ each bound (not yet cumulative), and one more slot for `+Inf`.
    private(set) var counts: [UInt64]
    private(set) var sum: Double = 0
    private(set) var count: UInt64 = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        self.counts = Array(repeating: 0, count: bounds.count + 1)
    }

    mutating func observe(_ value: Double) {
        let slot = bounds.firstIndex { value <= $0 } ?? bounds.count
        counts[slot] += 1
        sum += value
        count += 1
    }

    /// Exposition lines for metric `name` with the extra `labels` (already formatted, `key="value"`, or empty).
    func lines(name: String, labels: String) -> [String] {
        var out: [String] = []
        var cumulative: UInt64 = 0
        let prefix = labels.isEmpty ? "" : labels + ","
        for (i, bound) in bounds.enumerated() {
            cumulative += counts[i]
            out.append("\(name)_bucket{\(prefix)le=\"\(Self.format(bound))\"} \(cumulative)")
        }
        out.append("\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)")
        let braces = labels.isEmpty ? "" : "{\(labels)}"
        out.append("\(name)_sum\(braces) \(Self.format(sum))")
        out.append("\(name)_count\(braces) \(count)")
        return out
    }

    /// Go-style float text: integers without a fraction, others in the shortest round-tripping form.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

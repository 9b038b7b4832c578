import Synchronization

/// The witness's counters, rendered as Prometheus text for `/metrics`.
public final class WitnessMetrics: Sendable {
    private struct Counts {
        var cosigned: UInt64 = 0
        var refusals: [WitnessRefusal.Reason: UInt64] = [:]
        var forks: UInt64 = 0
        var evidenceFailures: UInt64 = 0
        var storeFailures: UInt64 = 0
    }

    /// Guards every counter: request handlers increment, `/metrics` reads.
    private let counts = Mutex(Counts())

    /// Zeroed counters.
    public init() {}

    func recordCosigned() { counts.withLock { $0.cosigned += 1 } }
    func recordRefusal(_ reason: WitnessRefusal.Reason) { counts.withLock { $0.refusals[reason, default: 0] += 1 } }
    func recordFork() { counts.withLock { $0.forks += 1 } }
    func recordEvidenceFailure() { counts.withLock { $0.evidenceFailures += 1 } }
    func recordStoreFailure() { counts.withLock { $0.storeFailures += 1 } }

    /// Checkpoints cosigned since start.
    public var cosigned: UInt64 { counts.withLock { $0.cosigned } }
    /// Forks detected since start.
    public var forks: UInt64 { counts.withLock { $0.forks } }
    /// Refusals for `reason` since start.
    public func refusals(_ reason: WitnessRefusal.Reason) -> UInt64 { counts.withLock { $0.refusals[reason] ?? 0 } }

    /// Prometheus text exposition format 0.0.4.
    public func render(logs: Int, evidenceFiles: Int) -> String {
        let c = counts.withLock { $0 }
        var out = """
            # HELP certledger_witness_cosigned_total Checkpoints cosigned (state committed before the answer).
            # TYPE certledger_witness_cosigned_total counter
            certledger_witness_cosigned_total \(c.cosigned)
            # HELP certledger_witness_refusals_total add-checkpoint requests refused, by reason.
            # TYPE certledger_witness_refusals_total counter

            """
        for reason in WitnessRefusal.Reason.allCases {
            out += "certledger_witness_refusals_total{reason=\"\(reason.rawValue)\"} \(c.refusals[reason] ?? 0)\n"
        }
        out += """
            # HELP certledger_witness_forks_detected_total Requests that proved a log fork (evidence kept).
            # TYPE certledger_witness_forks_detected_total counter
            certledger_witness_forks_detected_total \(c.forks)
            # HELP certledger_witness_evidence_write_failures_total Fork evidence that could not be written.
            # TYPE certledger_witness_evidence_write_failures_total counter
            certledger_witness_evidence_write_failures_total \(c.evidenceFailures)
            # HELP certledger_witness_store_failures_total Requests the state file could not answer (503).
            # TYPE certledger_witness_store_failures_total counter
            certledger_witness_store_failures_total \(c.storeFailures)
            # HELP certledger_witness_logs Logs this witness follows.
            # TYPE certledger_witness_logs gauge
            certledger_witness_logs \(logs)
            # HELP certledger_witness_evidence_files Fork evidence files in the evidence directory.
            # TYPE certledger_witness_evidence_files gauge
            certledger_witness_evidence_files \(evidenceFiles)

            """
        return out
    }
}

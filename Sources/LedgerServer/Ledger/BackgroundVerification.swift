import Foundation
import LedgerAudit
public import Log
public import Logging
public import ServiceLifecycle

/// Start fast, then verify everything (`ServerConfig.Verification`): right after start-up the whole store — as it
/// stood when the verification began — gets the audit's checks (`LedgerAudit`: every entry's index, `prev` and
/// time, every tile, every stored checkpoint, and with a Registry every submission's signature, role and state),
/// pausing between chunks so that it works `workPercent` of the time.
///
/// On damage it refuses every later submission (`Sequencer.halt`, HTTP 503), and `StoreIntegrity` turns `/healthz`
/// red with the index and the reason and `/metrics` says `certledger_integrity_failed 1`; the log gets one critical
/// line. The reads go on: every answer carries its proofs, which a client checks itself. A graceful shutdown
/// cancels a verification still running.
public struct BackgroundVerification: Service {
    let log: LedgerLog
    /// Only the log layer (a bare log without a Registry).
    let logOnly: Bool
    let workShare: Double
    let logger: Logger

    /// Verifies `log`'s store; `logOnly` skips the Registry's checks. `workPercent` in 1...100.
    public init(log: LedgerLog, logOnly: Bool, workPercent: Int, logger: Logger) {
        self.log = log
        self.logOnly = logOnly
        self.workShare = Double(min(100, max(1, workPercent))) / 100
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await verify() }
    }

    /// One run over the store; its outcome goes to `log.integrity` and the log.
    public func verify() async {
        let integrity = log.integrity
        let start = ContinuousClock.now
        logger.info("background verification of the whole store started")
        do {
            let report = try await LedgerAudit.verify(log.store, identity: log.identity, logOnly: logOnly,
                                                      dutyCycle: workShare) { done, total in
                integrity.update(.verifying(verified: done, size: total))
            }
            if let failure = report.failure {
                let at = failure.index.map { "index \($0)" } ?? "the checkpoint"
                let reason = "the store is damaged at \(at): \(failure.reason)"
                integrity.update(.failed(index: failure.index, reason: failure.reason))
                log.sequencer.halt(reason: "this ledger refuses submissions: \(reason)")
                logger.critical("""
                    background verification FAILED: \(reason). Submissions are refused (503) and /healthz reports \
                    it; reads go on. Restore the store from a good copy (`certledger audit` tells which is good)
                    """)
                return
            }
            let seconds = (ContinuousClock.now - start).seconds
            integrity.update(.verified(size: report.verifiedEntries, seconds: seconds))
            logger.info("background verification passed", metadata: [
                "entries": "\(report.verifiedEntries)", "checkpoints": "\(report.verifiedCheckpoints)",
                "seconds": "\(Int(seconds.rounded()))",
            ])
        } catch is CancellationError {
            integrity.update(.incomplete(reason: "stopped before it finished"))
        } catch {
            if Task.isCancelled {
                integrity.update(.incomplete(reason: "stopped before it finished"))
                return
            }
            integrity.update(.incomplete(reason: "\(error)"))
            logger.error("background verification could not finish: \(error)")
        }
    }
}

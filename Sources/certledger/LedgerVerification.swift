import Log
import Registry

/// The whole-ledger check of `certledger audit`, shared with `migrate` (which runs it on the copy): the log layer
/// (checkpoint signature, every entry's envelope, index and `prev` chain, time, every stored hash tile recomputed
/// from the entries, the root) and, unless `logOnly`, the Registry on every submission (canonical form, key
/// history, signature, role, nonce, state machine). Decoding and signature checks run ahead on every core while
/// the state machine walks the log in order.
func verifyLedger(_ store: any LogStore, identity: LogIdentity, logOnly: Bool,
                  progress: ProgressLine) async throws -> LogVerifier.Report {
    let logVerifier = LogVerifier(store: store, identity: identity)
    let report = { (done: UInt64, total: UInt64) in progress.update(done, of: total) }
    if logOnly { return try await logVerifier.verify(progress: report) }
    let auditor = RegistryAuditor(identity: identity)
    return try await logVerifier.verify(preparer: auditor.preparer, visit: auditor.visit(_:prepared:),
                                        progress: report)
}

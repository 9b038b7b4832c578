import LedgerAudit
import Log
import Registry

/// The whole-ledger check of `certledger audit` and `migrate` (`LedgerAudit.verify`), with the progress line and the
/// command line's exit code 3 when no verdict could be reached (the scratch file failed).
func verifyLedger(_ store: any LogStore, identity: LogIdentity, logOnly: Bool, progress: ProgressLine,
                  memoryValues: Int = 4_096, scratch: String? = nil,
                  witnessPolicy: (RegistryState.WitnessPolicyEntry?) -> Void = { _ in }) async throws
    -> LogVerifier.Report {
    do {
        return try await LedgerAudit.verify(store, identity: identity, logOnly: logOnly, memoryValues: memoryValues,
                                            scratch: scratch,
                                            progress: { done, total in progress.update(done, of: total) },
                                            witnessPolicy: witnessPolicy)
    } catch let error as LedgerAuditError {
        throw CLIError(error.reason, code: 3)
    }
}

import Foundation
import LogSQLite
import Log
import Registry

/// The whole-ledger check of `certledger audit`, shared with `migrate` (which runs it on the copy): the log layer
/// (checkpoint signature, every entry's envelope, index and `prev` chain, time, every stored hash tile recomputed
/// from the entries, the root) and, unless `logOnly`, the Registry on every submission (canonical form, key
/// history, signature, role, nonce, state machine). Decoding and signature checks run ahead on every core while
/// the state machine walks the log in order.
///
/// The Registry state keeps what the verdict needs only (no document, link or holder's-seal indices), and beyond
/// `memoryValues` values of each kind goes to a scratch file in `scratch` (nil: the
/// temporary folder), so memory stays flat however long the ledger is; 0 keeps it all in memory. A scratch failure
/// is exit 3 with no verdict: a state with holes could report a false integrity failure.
func verifyLedger(_ store: any LogStore, identity: LogIdentity, logOnly: Bool, progress: ProgressLine,
                  memoryValues: Int = 4_096, scratch: String? = nil) async throws -> LogVerifier.Report {
    let logVerifier = LogVerifier(store: store, identity: identity)
    let report = { (done: UInt64, total: UInt64) in progress.update(done, of: total) }
    if logOnly { return try await logVerifier.verify(progress: report) }
    let auditor = RegistryAuditor(identity: identity)
    auditor.dropQueryIndexes()   // the verdict is all this state is for
    var scratchFile: SQLiteScratch?
    if memoryValues > 0 {
        do { scratchFile = try SQLiteScratch(folder: scratch) } catch {
            throw CLIError("cannot create the audit's scratch file in \(scratch ?? NSTemporaryDirectory()): \(error)",
                           code: 3)
        }
        auditor.spill(to: AuditSpill(scratchFile!), hotCapacity: memoryValues)
    }
    defer { scratchFile?.close() }
    let verified = try await logVerifier.verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:),
                                                progress: report)
    if let error = auditor.state.spillError {
        throw CLIError("no verdict: the audit's scratch file failed (\(error)); free space in "
                       + "\(scratch ?? NSTemporaryDirectory()) or give --scratch DIR", code: 3)
    }
    return verified
}

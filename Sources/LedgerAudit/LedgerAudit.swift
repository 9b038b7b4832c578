import Foundation
public import Log
import LogSQLite
public import Registry

/// The whole-ledger check, one implementation for every caller: `certledger audit`, `certledger migrate` (on the
/// copy) and the daemon's background verification after start-up.
///
/// The log layer (`LogVerifier`: the checkpoint signature, every entry's envelope, index and `prev` chain, time,
/// every stored hash tile recomputed from the entries, every stored checkpoint, the root) and, unless `logOnly`, the
/// Registry on every submission (`RegistryAuditor`: canonical form, key history, signature, role, nonce, state
/// machine), every `map.root` entry against the status map recomputed from the entries, and that every
/// checkpointed tree ends with one. Decoding and signature
/// checks run ahead on every core while the state machine walks the log in order.
///
/// The Registry state keeps what the verdict needs only, and beyond `memoryValues` values of each kind spills to a
/// scratch SQLite file in `scratch` (nil: the temporary folder), so the state's memory stays flat however long the
/// ledger is; 0 keeps it all in memory. The recomputed status map is not spilled: it grows with the subjects
/// (≈ 2.4 nodes, ≈ 150 bytes in `TrieMapNodeStore`, per license, seal and document). A scratch failure is `LedgerAuditError` with no verdict: a state with holes could
/// report a false integrity failure.
public enum LedgerAudit {
    /// Verifies `store` as `identity`. `dutyCycle` below 1 makes the run pause between chunks so that it works about
    /// that share of the time (the daemon's background verification); `progress` is told entries done and total.
    /// `witnessPolicy` is told, after the walk (not with `logOnly`), the latest `witness.policy` entry it applied.
    public static func verify(_ store: any LogStore, identity: LogIdentity, logOnly: Bool = false,
                              memoryValues: Int = 4_096, scratch: String? = nil, dutyCycle: Double = 1,
                              progress: (UInt64, UInt64) -> Void = { _, _ in },
                              witnessPolicy: (RegistryState.WitnessPolicyEntry?) -> Void = { _ in }) async throws
        -> LogVerifier.Report {
        var logVerifier = LogVerifier(store: store, identity: identity)
        logVerifier.dutyCycle = dutyCycle
        if logOnly { return try await logVerifier.verify(progress: progress) }
        // Every batch ends with a `map.root` entry, so every checkpointed tree does (DESIGN.md §3).
        logVerifier.checkpointedTreeEnd = { entry in
            MapRootRecord.isMapRoot(entry.payload) ? nil : "is not a map.root entry (every batch ends with one)"
        }
        let auditor = RegistryAuditor(identity: identity)
        auditor.dropQueryIndexes()   // the verdict is all this state is for
        // Every `map.root` entry is compared with the status map recomputed from the entries before it: in memory,
        // in the compact trie (≈ 150 bytes per key), updated batch by batch along the walk, O(changed keys × depth)
        // per batch.
        let statusMap = try RecomputedStatusMap(store: TrieMapNodeStore(), version: 0, versioned: false,
                                                hasher: MapHasher(identity.hashAlgorithm))
        auditor.keepStatusMap(statusMap, hasher: MapHasher(identity.hashAlgorithm))
        var scratchFile: SQLiteScratch?
        if memoryValues > 0 {
            do { scratchFile = try SQLiteScratch(folder: scratch) } catch {
                throw LedgerAuditError(
                    "cannot create the audit's scratch file in \(scratch ?? NSTemporaryDirectory()): \(error)")
            }
            auditor.spill(to: AuditSpill(scratchFile!), hotCapacity: memoryValues)
        }
        defer { scratchFile?.close() }
        let verified = try await logVerifier.verify(chunkPreparer: auditor.chunkPreparer,
                                                    visit: auditor.visit(_:prepared:), progress: progress)
        if let error = auditor.state.spillError {
            throw LedgerAuditError("no verdict: the audit's scratch file failed (\(error)); free space in "
                                   + "\(scratch ?? NSTemporaryDirectory()) or give another scratch folder")
        }
        witnessPolicy(auditor.state.latestWitnessPolicy)
        return verified
    }
}

/// The audit could not reach a verdict (its scratch file failed); the ledger may be fine.
public struct LedgerAuditError: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// The audit's registry state beyond `memoryValues`, in a scratch SQLite file.
final class AuditSpill: RegistrySpill {
    let scratch: SQLiteScratch

    init(_ scratch: SQLiteScratch) {
        self.scratch = scratch
    }

    func read(table: Int, key: [UInt8]) throws -> [UInt8]? { try scratch.read(table: table, key: key) }

    func write(table: Int, rows: [(key: [UInt8], value: [UInt8]?)]) throws {
        try scratch.write(table: table, rows: rows)
    }
}

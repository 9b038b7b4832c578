import LedgerAudit
import LedgerCrypto
public import Log
public import SignedNote

/// Proves, after a copy, that the target holds the source's ledger — from the target's own contents, not from
/// the copy having run without errors:
/// 1. the source has not moved since the copy began, and the target's latest checkpoint is byte-identical to it;
/// 2. the whole target passes the audit's verification (`LedgerAudit.verify`: chain, every tile, the root, and unless
///    `logOnly` every submission through the Registry);
/// 3. for a spread of the source's checkpoints (the first, the last and evenly spaced ones between), the target
///    stores the same bytes at that size, and an RFC 9162 consistency proof computed from the target's tiles
///    takes the source checkpoint's root to the target's latest root.
public struct MigrationProof {
    let source: any LogStore
    let target: any LogStore
    let identity: LogIdentity
    /// The source's head when the copy began.
    let head: LogHead
    /// Every checkpoint size the copy wrote, ascending.
    let checkpointSizes: [UInt64]
    /// How many checkpoints get a consistency proof (at least the first and the last).
    public var samples = 16

    /// What was proven.
    public struct Result: Sendable {
        public let checkpoint: SignedCheckpoint
        public let verifiedEntries: UInt64
        /// The source checkpoint sizes whose consistency with the target's latest checkpoint was proven.
        public let provenSizes: [UInt64]
    }

    /// The source moved while it was copied: the copy is of a head that is no longer the source's.
    public struct SourceChanged: Error, Sendable, CustomStringConvertible {
        public let copied: UInt64
        public let now: UInt64
        public var description: String {
            "the source changed while it was copied (size \(copied) then \(now)): stop every daemon writing to it, "
                + "remove the copy and migrate again"
        }
    }

    /// Proof that `target` holds `source`'s ledger `identity` up to `head`, whose copy wrote `checkpointSizes`.
    public init(source: any LogStore, target: any LogStore, identity: LogIdentity, head: LogHead,
                checkpointSizes: [UInt64]) {
        self.source = source
        self.target = target
        self.identity = identity
        self.head = head
        self.checkpointSizes = checkpointSizes
    }

    /// Runs the three checks; a failed one throws `IntegrityFailure`, a source that grew meanwhile
    /// `SourceChanged`, a verification that could not reach a verdict `LedgerAuditError`. `progress` gets (entries
    /// verified, total).
    public func run(logOnly: Bool, progress: (UInt64, UInt64) -> Void = { _, _ in })
        async throws -> Result {
        let now = try await source.head()
        guard now == head else { throw SourceChanged(copied: head.size, now: now?.size ?? 0) }
        guard let copied = try await target.head(), copied.size == head.size, copied.checkpoint == head.checkpoint
        else {
            throw IntegrityFailure(index: nil, reason: "the copy's latest checkpoint is not byte-identical to the "
                + "source's (size \(head.size))")
        }
        let report = try await LedgerAudit.verify(target, identity: identity, logOnly: logOnly, progress: progress)
        if let failure = report.failure {
            throw IntegrityFailure(index: failure.index, reason: "the copy fails verification: \(failure.reason)")
        }
        guard let latest = report.checkpoint else {
            throw IntegrityFailure(index: nil, reason: "the copy has no checkpoint")
        }
        var proven: [UInt64] = []
        let reader = LogReader(store: target, hashAlgorithm: identity.hashAlgorithm)
        let hasher = MerkleHasher(identity.hashAlgorithm)
        for size in Self.spread(checkpointSizes.filter { $0 > 0 }, count: samples) {
            guard let original = try await source.checkpoint(size: size),
                  let copy = try await target.checkpoint(size: size), copy == original
            else {
                throw IntegrityFailure(index: nil, reason: "the copy's checkpoint for size \(size) is missing or "
                    + "differs from the source's")
            }
            let signed: SignedCheckpoint
            do {
                signed = try SignedCheckpoint(opening: original, logVerifier: identity.verifier)
            } catch {
                throw IntegrityFailure(index: nil, reason: "the source's checkpoint for size \(size) does not "
                    + "verify: \(error)")
            }
            let proof = try await reader.consistencyProof(size1: size, size2: latest.checkpoint.size,
                                                          treeSize: latest.checkpoint.size)
            let verdict = try hasher.verifyConsistency(
                size1: size, size2: latest.checkpoint.size, proof: proof, root1: signed.checkpoint.rootHash,
                root2: latest.checkpoint.rootHash)
            guard verdict.isValid else {
                throw IntegrityFailure(index: nil, reason: "the copy at size \(latest.checkpoint.size) is not "
                    + "consistent with the source's checkpoint for size \(size): \(verdict)")
            }
            proven.append(size)
        }
        return Result(checkpoint: latest, verifiedEntries: report.verifiedEntries, provenSizes: proven)
    }

    /// Up to `count` of `sizes` (ascending): the first, the last and evenly spaced ones between.
    static func spread(_ sizes: [UInt64], count: Int) -> [UInt64] {
        guard sizes.count > count, count >= 2 else { return sizes }
        let steps = count - 1
        let picked = (0...steps).map { sizes[$0 * (sizes.count - 1) / steps] }
        return picked.reduce(into: []) { unique, size in if unique.last != size { unique.append(size) } }
    }
}

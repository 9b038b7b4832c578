public import Log
import SignedNote

/// Rebuilds the Registry's state from a log, entry by entry, verifying every submission as it stood when the entry
/// was made (DESIGN.md §1, §7): the payload is a canonical submission, its department, key and role were current at
/// that index, its signature verifies with that key (the key history comes from the log itself), and the state
/// machine accepts it. One code path for the start-up replay (`Registry.replay`) and the audit, where it is the
/// `visit` closure of `LogVerifier.verify` (which checks the chain, tiles and checkpoint around it):
///
///     let auditor = RegistryAuditor(identity: identity)
///     let report = try await LogVerifier(store: store, identity: identity).verify(visit: auditor.visit)
///
/// Not thread-safe: one auditor walks one log, in one task.
public final class RegistryAuditor {
    /// The state after the entries visited so far.
    public private(set) var state = RegistryState()
    /// When set, the genesis must name this log's origin, hash suite and checkpoint key.
    public let identity: LogIdentity?

    public init(identity: LogIdentity? = nil) {
        self.identity = identity
    }

    /// Entries visited so far.
    public var size: UInt64 { state.size }

    /// Verifies and applies the next entry; throws a `RegistryError` carrying the entry's index and why.
    public func visit(_ entry: LogEntry) throws(RegistryError) {
        do throws(RegistryError) {
            guard entry.index == state.size else {
                throw RegistryError(.conflict, "expected entry \(state.size), found entry \(entry.index)")
            }
            let submission = try Registry.decode(entry, usccExceptions: state.parameters?.usccExceptions ?? [])
            let key = try state.signingKey(for: submission, at: entry.index)
            guard submission.verifySignature(with: key) else {
                throw RegistryError(.badSignature, field: "signature", "the signature of \(submission.kind) by "
                                    + "\(submission.department) does not verify with key \(submission.keyId)")
            }
            try state.apply(submission, at: entry.index)
            if entry.index == 0, let identity, let genesis = state.parameters?.genesis {
                try Self.check(genesis, against: identity)
            }
        } catch {
            throw error.at(index: entry.index)
        }
    }

    /// The genesis must describe the log it is entry 0 of: a genesis copied from another ledger is refused.
    static func check(_ genesis: GenesisRecord, against identity: LogIdentity) throws(RegistryError) {
        guard genesis.origin == identity.origin else {
            throw RegistryError(.conflict, field: "record.origin",
                                "the genesis names origin \(genesis.origin), the log is \(identity.origin)")
        }
        guard genesis.hashSuite == identity.hashAlgorithm else {
            throw RegistryError(.conflict, field: "record.hashSuite", "the genesis names \(genesis.hashSuite), "
                                + "the log hashes with \(identity.hashAlgorithm)")
        }
        let key = try? Ed25519NoteVerifier(verifierKey: genesis.checkpointVerifierKey)
        guard let key, key.name == identity.verifier.name, key.keyID == identity.verifier.keyID else {
            throw RegistryError(.conflict, field: "record.checkpointVerifierKey",
                                "the genesis names another checkpoint key than the log's \(identity.verifier.name)")
        }
    }
}

import ArgumentParser
import Foundation
import Log
import SignedNote

/// The verifying side's witness policy (DESIGN.md §9), shared by every checker: with `--witness-policy` a checkpoint
/// counts only with the ledger's signature and a quorum of the policy's witnesses' cosignatures, no older than
/// `--max-age`, and (with `--witness-state`) not older than the newest witnessed checkpoint this checker has seen.
struct WitnessOptions: ParsableArguments {
    @Option(name: .customLong("witness-policy"), help: ArgumentHelp(
        "The witness policy file (`log VKEY`, `witness LABEL VKEY` lines, `quorum K`): refuse (exit 1) any "
            + "checkpoint without a quorum of valid cosignatures. Default: $CERTLEDGER_WITNESS_POLICY.",
        valueName: "file"))
    var witnessPolicy: String? = ProcessInfo.processInfo.environment["CERTLEDGER_WITNESS_POLICY"]

    @Option(name: .customLong("max-age"), help: ArgumentHelp(
        "With a witness policy: refuse a checkpoint whose quorum's newest cosignatures are older than this "
            + "(seconds, or with s, m, h).", valueName: "age"))
    var maxAge: String = "10m"

    @Option(name: .customLong("witness-state"), help: ArgumentHelp(
        "With a witness policy: a small file remembering the newest witnessed checkpoint seen; an older one (a "
            + "smaller tree, or another root at the same size) is refused. Default: $CERTLEDGER_WITNESS_STATE.",
        valueName: "file"))
    var witnessState: String? = ProcessInfo.processInfo.environment["CERTLEDGER_WITNESS_STATE"]

    func validate() throws {
        guard Self.seconds(maxAge) != nil else {
            throw ValidationError("--max-age \(maxAge): give seconds, or a number with s, m or h (e.g. 10m)")
        }
        if witnessState != nil, witnessPolicy == nil {
            throw ValidationError("--witness-state needs --witness-policy")
        }
    }

    /// `600`, `600s`, `10m`, `1h` in seconds.
    static func seconds(_ text: String) -> UInt64? {
        let units: [Character: UInt64] = ["s": 1, "m": 60, "h": 3_600]
        if let last = text.last, let unit = units[last] {
            return UInt64(text.dropLast()).map { $0 * unit }
        }
        return UInt64(text)
    }

    /// The policy, nil when none is given.
    func policy() throws -> WitnessPolicy? {
        guard let witnessPolicy else { return nil }
        guard let text = try? String(contentsOfFile: witnessPolicy, encoding: .utf8) else {
            throw CLIError("--witness-policy: cannot read \(witnessPolicy)")
        }
        do { return try WitnessPolicy(parsing: text) } catch {
            throw CLIError("--witness-policy \(witnessPolicy): \(error)")
        }
    }

    /// Enforces the policy (when one is given) on a checkpoint note that the caller has already found signed by the
    /// ledger's key `logVerifierKey`: nil without a policy, the witnessed checkpoint when it passes. A refusal prints
    /// the reason and exits 1. `fresh` false skips `--max-age` (an inclusion proof filed away stays true for ever;
    /// freshness matters for answers about the present).
    @discardableResult
    func enforce(_ note: [UInt8], logVerifierKey: String?, fresh: Bool = true,
                 now: Date = Date()) throws -> WitnessedCheckpoint? {
        guard let policy = try policy() else { return nil }
        if let logVerifierKey,
           (try? Ed25519NoteVerifier(verifierKey: logVerifierKey))?.verifierKey != policy.logVerifier.verifierKey {
            throw CLIError("the witness policy's log key \(policy.logVerifier.verifierKey) is not the trusted "
                           + "checkpoint key \(logVerifierKey)")
        }
        switch policy.check(note) {
        case .refused(let reason):
            throw refuse(reason)
        case .witnessed(let witnessed):
            let nowSeconds = UInt64(max(0, now.timeIntervalSince1970))
            if fresh, let stale = witnessed.staleness(now: nowSeconds, maxAge: Self.seconds(maxAge) ?? 600) {
                throw refuse(stale)
            }
            try remember(witnessed, policy: policy)
            return witnessed
        }
    }

    /// Compares `witnessed` with the newest witnessed checkpoint the state file holds, and keeps the newer.
    func remember(_ witnessed: WitnessedCheckpoint, policy: WitnessPolicy) throws {
        guard let witnessState else { return }
        let record = CheckpointRecord(path: witnessState)
        let seen: SignedCheckpoint?
        do { seen = try record.read(verifier: policy.logVerifier) } catch {
            throw CLIError("--witness-state \(witnessState): \(error)")
        }
        if let seen {
            let old = seen.checkpoint, new = witnessed.checkpoint
            if new.size < old.size {
                throw refuse("this checkpoint (size \(new.size)) is older than the newest witnessed checkpoint "
                    + "already seen (size \(old.size), \(witnessState)): a genuine but replayed answer is not current")
            }
            if new.size == old.size, new.rootHash != old.rootHash {
                throw refuse("this checkpoint of size \(new.size) has root \(new.rootHash.base64), but the one "
                    + "already seen at that size has root \(old.rootHash.base64): two histories (\(witnessState))")
            }
            if new.size == old.size { return }
        }
        do { try record.write(witnessed.signed.bytes) } catch {
            throw CLIError("--witness-state \(witnessState): cannot write: \(error)")
        }
    }

    private func refuse(_ reason: String) -> CLIExit {
        FileHandle.standardError.write(Data("certledger: NOT WITNESSED: \(reason)\n".utf8))
        return CLIExit.notAuthentic
    }
}

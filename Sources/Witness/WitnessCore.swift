public import Log
public import SignedNote

/// What the witness decides about one add-checkpoint request.
public enum WitnessDecision: Sendable, Equatable {
    /// Cosign `checkpoint`: its note `logSigned` carries only the log's signatures that verified. The caller must
    /// store it (compare-and-swap against the state the decision was made on) before it answers 200.
    case cosign(checkpoint: Checkpoint, logSigned: Note)
    /// Do not cosign; answer with the refusal's status. `fork` is set when the request proves that the log signed
    /// two inconsistent checkpoints: the caller keeps it as evidence.
    case refuse(WitnessRefusal, fork: ForkEvidence?)
}

/// The pure core of a C2SP tlog-witness: given the stored state of one log and a parsed request, decide. No I/O,
/// no clock; the same inputs always give the same decision.
///
/// The checks run in the order of tlog-witness §add-checkpoint: origin (404), signatures (403), `old` not above
/// the checkpoint size (400), `old` equal to the cosigned size (409), then the consistency checks (422). The
/// promises that follow from it: the witness never cosigns a checkpoint smaller than one it cosigned (`old` must
/// equal the cosigned size and not exceed the new one), and never two inconsistent ones (equal sizes need equal
/// roots, larger ones a consistency proof from the cosigned root).
public enum WitnessCore {
    /// Decides `request` against `log`, the state kept for the checkpoint's origin (nil: not a log this witness
    /// follows). `hasher` must be the log's hash suite (SHA-256 for C2SP logs).
    public static func decide(_ request: AddCheckpointRequest, log: WitnessedLog?, hasher: MerkleHasher)
        -> WitnessDecision
    {
        let checkpoint = request.checkpoint
        guard let log, log.origin == checkpoint.origin else {
            return .refuse(WitnessRefusal(.unknownOrigin, "this witness follows no log with that origin"), fork: nil)
        }
        // signed-note: lines by unknown keys are ignored; a trusted key's line that fails rejects the note.
        let verified: VerifiedNote
        do {
            verified = try request.note.open(verifiers: log.verifiers)
        } catch {
            return .refuse(WitnessRefusal(.forbidden, "checkpoint not signed by a key of \(log.origin): "
                + "\(error.code.rawValue)"), fork: nil)
        }
        let logSigned: Note
        do {
            logSigned = try Note(text: request.note.text, signatures: verified.verifiedSignatures)
        } catch {
            return .refuse(WitnessRefusal(.malformed, "the checkpoint note cannot be kept: \(error)"), fork: nil)
        }
        let size = checkpoint.size
        guard request.oldSize <= size else {
            return .refuse(WitnessRefusal(.malformed, "old size \(request.oldSize) exceeds checkpoint size \(size)"),
                           fork: nil)
        }
        // A checkpoint of the cosigned size with another root is a fork on its face, whatever `old` says.
        var fork: ForkEvidence?
        if let latest = log.latest, latest.checkpoint.size == size, latest.checkpoint.rootHash != checkpoint.rootHash {
            fork = ForkEvidence(origin: log.origin, kind: .sameSize, first: latest.note, second: logSigned, proof: [])
        }
        guard request.oldSize == log.size else {
            return .refuse(WitnessRefusal(.conflict, "old size \(request.oldSize) is not the cosigned size \(log.size)",
                                          witnessSize: log.size), fork: fork)
        }
        if size == 0 {
            guard checkpoint.rootHash == hasher.emptyRoot() else {
                return .refuse(WitnessRefusal(.inconsistent, "a checkpoint of size 0 must carry the empty root"),
                               fork: nil)
            }
        }
        if request.oldSize == 0 {
            guard request.proof.isEmpty else {
                return .refuse(WitnessRefusal(.inconsistent,
                    "old size 0 takes an empty proof, got \(request.proof.count) lines"), fork: nil)
            }
            // A log's first cosigned checkpoint is taken on trust (there is nothing to be consistent with); a
            // cosigned checkpoint of size 0 is replaced only by a larger one, through this same branch.
            if log.latest == nil || size > 0 { return .cosign(checkpoint: checkpoint, logSigned: logSigned) }
        }
        guard let latest = log.latest else {
            // Unreachable: a stored size above 0 comes with a stored checkpoint.
            return .refuse(WitnessRefusal(.conflict, "no cosigned checkpoint", witnessSize: 0), fork: nil)
        }
        let storedRoot = latest.checkpoint.rootHash
        if request.oldSize == size {
            guard request.proof.isEmpty else {
                return .refuse(WitnessRefusal(.inconsistent,
                    "equal sizes take an empty proof, got \(request.proof.count) lines"), fork: fork)
            }
            guard checkpoint.rootHash == storedRoot else {
                return .refuse(WitnessRefusal(.inconsistent,
                    "size \(size) was cosigned with another root hash: the log forked"), fork: fork)
            }
            // The same checkpoint again: cosigned anew, with a fresh timestamp.
            return .cosign(checkpoint: checkpoint, logSigned: logSigned)
        }
        let verdict: MerkleVerdict
        do {
            verdict = try hasher.verifyConsistency(size1: request.oldSize, size2: size, proof: request.proof,
                                                   root1: storedRoot, root2: checkpoint.rootHash)
        } catch {
            return .refuse(WitnessRefusal(.inconsistent, "the consistency proof does not fit: \(error.reason)"),
                           fork: nil)
        }
        switch verdict {
        case .valid:
            return .cosign(checkpoint: checkpoint, logSigned: logSigned)
        case .mismatch:
            let evidence = ForkEvidence(origin: log.origin, kind: .inconsistentProof, first: latest.note,
                                        second: logSigned, proof: request.proof)
            if case .proven = evidence.check(against: log.verifiers, hasher: hasher) {
                return .refuse(WitnessRefusal(.inconsistent,
                    "the proof leads to the new root from a tree of size \(request.oldSize) whose root is not the "
                        + "cosigned one: the log forked"), fork: evidence)
            }
            return .refuse(WitnessRefusal(.inconsistent,
                "the consistency proof from size \(request.oldSize) to \(size) does not verify"), fork: nil)
        }
    }
}

import LedgerCrypto
import Log
import SignedNote
import Testing
import Witness

/// The pure add-checkpoint decision: every status of C2SP tlog-witness §add-checkpoint, and the forks it must
/// recognise, with no state file and no HTTP.
@Suite struct WitnessCoreTests {
    let log: TestLog
    var hasher: MerkleHasher { MerkleHasher(.sha256) }

    init() throws { log = try TestLog.make(count: 40) }

    /// The stored state of `log` after cosigning its checkpoint of `size` (nil: never cosigned).
    func state(_ size: Int?, of source: TestLog? = nil) throws -> WitnessedLog {
        let latest = try size.map { try CosignedCheckpoint(note: (source ?? log).checkpoint($0)) }
        return WitnessedLog(origin: log.signer.name, verifiers: [log.verifier], latest: latest)
    }

    func decide(_ request: AddCheckpointRequest, _ state: WitnessedLog?) -> WitnessDecision {
        WitnessCore.decide(request, log: state, hasher: hasher)
    }

    func refusal(_ decision: WitnessDecision) -> (WitnessRefusal, ForkEvidence?)? {
        if case .refuse(let refusal, let fork) = decision { return (refusal, fork) }
        return nil
    }

    func isCosign(_ decision: WitnessDecision, size: UInt64) -> Bool {
        if case .cosign(let checkpoint, _) = decision { return checkpoint.size == size }
        return false
    }

    @Test func firstCheckpoint_withOldZero_isCosigned() throws {
        #expect(isCosign(decide(try log.request(from: 0, to: 10), try state(nil)), size: 10))
    }

    @Test func consistentCheckpoint_isCosigned_andKeepsOnlyTheLogsSignature() throws {
        let decision = decide(try log.request(from: 10, to: 25), try state(10))
        guard case .cosign(let checkpoint, let kept) = decision else {
            Issue.record("not cosigned: \(decision)")
            return
        }
        #expect(checkpoint.size == 25)
        #expect(kept.signatures.count == 1)
        #expect(kept.signatures[0].isBy(name: log.signer.name, keyID: log.signer.keyID))
    }

    @Test func sameCheckpointAgain_isCosignedAnew() throws {
        #expect(isCosign(decide(try log.request(from: 10, to: 10), try state(10)), size: 10))
    }

    @Test func checkpointSignedByARotatedKey_isCosigned_whenBothKeysAreTrusted() throws {
        let rotated = try TestLog(signer: fixedSigner(log.signer.name, seed: 8), entries: log.entries)
        let both = WitnessedLog(origin: log.signer.name, verifiers: [log.verifier, rotated.verifier],
                                latest: try CosignedCheckpoint(note: log.checkpoint(10)))
        #expect(isCosign(decide(try rotated.request(from: 10, to: 20), both), size: 20))
        #expect(refusal(decide(try rotated.request(from: 10, to: 20), try state(10)))?.0.reason == .forbidden)
    }

    @Test func unknownOrigin_is404() throws {
        let other = try TestLog.make(count: 5, seed: 9, origin: "example.org/other")
        let found = refusal(decide(try other.request(from: 0, to: 5), try state(nil)))
        #expect(found?.0.reason == .unknownOrigin)
        #expect(found?.0.reason.httpStatus == 404)
        #expect(refusal(decide(try log.request(from: 0, to: 5), nil))?.0.reason == .unknownOrigin)
    }

    @Test func checkpointSignedByAnotherKey_is403() throws {
        let thief = try TestLog(signer: fixedSigner(log.signer.name, seed: 99), entries: log.entries)
        let found = refusal(decide(try thief.request(from: 0, to: 5), try state(nil)))
        #expect(found?.0.reason == .forbidden)
        #expect(found?.0.reason.httpStatus == 403)
    }

    @Test func badSignatureByTheLogKey_is403() throws {
        let good = try log.checkpoint(5)
        var signature = good.signatures[0].signature
        signature[3] ^= 1
        let bad = try Note(text: good.text, signatures: [NoteSignature(name: log.signer.name, keyID: log.signer.keyID,
                                                                       signature: signature)])
        let found = refusal(decide(try AddCheckpointRequest(oldSize: 0, proof: [], note: bad), try state(nil)))
        #expect(found?.0.reason == .forbidden)
    }

    @Test func oldAboveCheckpointSize_is400() throws {
        let request = try AddCheckpointRequest(oldSize: 12, proof: [], note: log.checkpoint(10))
        let found = refusal(decide(request, try state(12)))
        #expect(found?.0.reason == .malformed)
        #expect(found?.0.reason.httpStatus == 400)
    }

    @Test func oldNotTheCosignedSize_is409WithTheWitnessSize() throws {
        let found = refusal(decide(try log.request(from: 5, to: 20), try state(10)))
        #expect(found?.0.reason == .conflict)
        #expect(found?.0.witnessSize == 10)
        #expect(found?.0.reason.httpStatus == 409)
        #expect(found?.1 == nil)
    }

    @Test func smallerTreeAfterLarger_isNeverCosigned() throws {
        // old = the cosigned size cannot exceed the new size (400); any other old is 409.
        for old in [0, 5, 20] {
            let request = try AddCheckpointRequest(oldSize: UInt64(old), proof: log.proof(from: old, to: 10),
                                                   note: log.checkpoint(10))
            #expect(refusal(decide(request, try state(20))) != nil, "old \(old)")
        }
    }

    @Test func badConsistencyProof_is422_withoutEvidence() throws {
        var proof = try log.proof(from: 10, to: 25)
        proof[0] = hasher.leafHash(Array("junk".utf8))
        let request = try AddCheckpointRequest(oldSize: 10, proof: proof, note: log.checkpoint(25))
        let found = refusal(decide(request, try state(10)))
        #expect(found?.0.reason == .inconsistent)
        #expect(found?.0.reason.httpStatus == 422)
        #expect(found?.1 == nil)
    }

    @Test func proofOfWrongLength_is422() throws {
        let proof = try log.proof(from: 10, to: 25)
        let request = try AddCheckpointRequest(oldSize: 10, proof: Array(proof.dropLast()), note: log.checkpoint(25))
        #expect(refusal(decide(request, try state(10)))?.0.reason == .inconsistent)
    }

    @Test func oldZeroWithAProof_is422() throws {
        let request = try AddCheckpointRequest(oldSize: 0, proof: [hasher.emptyRoot()], note: log.checkpoint(5))
        #expect(refusal(decide(request, try state(nil)))?.0.reason == .inconsistent)
    }

    @Test func sizeZeroWithoutTheEmptyRoot_is422() throws {
        let note = try SignedCheckpoint.sign(Checkpoint(origin: log.signer.name, size: 0, rootHash: log.root(3)),
                                             with: log.signer).note
        let found = refusal(decide(try AddCheckpointRequest(oldSize: 0, proof: [], note: note), try state(nil)))
        #expect(found?.0.reason == .inconsistent)
        #expect(isCosign(decide(try log.request(from: 0, to: 0), try state(nil)), size: 0))
    }

    @Test func sameSizeOtherRoot_is422_withSameSizeEvidence() throws {
        let fork = log.forking(at: 3)
        let found = refusal(decide(try fork.request(from: 10, to: 10), try state(10)))
        #expect(found?.0.reason == .inconsistent)
        let evidence = try #require(found?.1)
        #expect(evidence.kind == .sameSize)
        guard case .proven = evidence.check(against: [log.verifier], hasher: hasher) else {
            Issue.record("evidence does not prove the fork")
            return
        }
    }

    @Test func sameSizeOtherRoot_withStaleOld_is409_andStillKeepsEvidence() throws {
        let fork = log.forking(at: 3)
        let request = try AddCheckpointRequest(oldSize: 0, proof: [], note: fork.checkpoint(10))
        let found = refusal(decide(request, try state(10)))
        #expect(found?.0.reason == .conflict)
        #expect(found?.1?.kind == .sameSize)
    }

    @Test func rewriteOfAnOldEntry_withItsOwnHonestProof_is422_withProofEvidence() throws {
        // The thief rewrites entry 4 and recomputes every later tree and checkpoint; the proof it sends is the
        // true consistency proof of its own rewritten tree from size 10.
        let rewritten = log.rewriting(4, with: Array("rewritten".utf8))
        let request = try AddCheckpointRequest(oldSize: 10, proof: rewritten.proof(from: 10, to: 30),
                                               note: rewritten.checkpoint(30))
        let found = refusal(decide(request, try state(10)))
        #expect(found?.0.reason == .inconsistent)
        let evidence = try #require(found?.1)
        #expect(evidence.kind == .inconsistentProof)
        #expect(evidence.first.text == (try log.checkpoint(10)).text)
        guard case .proven = evidence.check(against: [log.verifier], hasher: hasher) else {
            Issue.record("evidence does not prove the fork")
            return
        }
        // The honest continuation is still cosigned.
        #expect(isCosign(decide(try log.request(from: 10, to: 30), try state(10)), size: 30))
    }

    @Test func forkEvidence_checkedWithAnotherKey_isNotProven() throws {
        let rewritten = log.rewriting(4, with: Array("rewritten".utf8))
        let request = try AddCheckpointRequest(oldSize: 10, proof: rewritten.proof(from: 10, to: 30),
                                               note: rewritten.checkpoint(30))
        let evidence = try #require(refusal(decide(request, try state(10)))?.1)
        let stranger = try fixedSigner(log.signer.name, seed: 42).verifier
        if case .proven = evidence.check(against: [stranger], hasher: hasher) {
            Issue.record("evidence proven against a key that signed neither checkpoint")
        }
    }
}

/// A deterministic Ed25519 note signer: seed = 32 copies of `seed`.
func fixedSigner(_ name: String, seed: UInt8) throws -> Ed25519NoteSigner {
    try Ed25519NoteSigner(name: name, privateKey: PrivateKey(ed25519Seed: [UInt8](repeating: seed, count: 32)))
}

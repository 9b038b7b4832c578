import Foundation
import LedgerCrypto
import Log
import SignedNote
import Testing
import Witness

/// The promise witnesses exist for: a thief holding the ledger's checkpoint key cannot get a second history
/// cosigned by witnesses that saw the first, whatever it sends, and every witness keeps evidence a third party can
/// check with the ledger's key alone.
@Suite struct WitnessForkTests {
    @Test func thiefWithTheCheckpointKey_getsNoCosignatureFromAnyWitness_andEachKeepsEvidence() async throws {
        try await withTemporaryDirectory { folder in
            let honest = try TestLog.make(count: 64)
            var witnesses: [Witness] = []
            for i in 0..<3 {
                let witness = try await makeWitness(in: "\(folder)/w\(i)", following: [honest])
                #expect(await witness.add(try honest.request(from: 0, to: 20)).status == 200)
                witnesses.append(witness)
            }
            // Everything the thief can sign with the stolen key: a second history of the cosigned size, and a rewrite
            // of entry 3 with every later tree and checkpoint recomputed, with its own true proofs, from every old
            // size it might try.
            let sameSize = honest.forking(at: 12)
            let rewrite = honest.rewriting(3, with: Array("entry 3, rewritten".utf8))
            var attempts: [AddCheckpointRequest] = [try sameSize.request(from: 20, to: 20)]
            for old in [0, 10, 19, 20, 21] {
                for log in [sameSize, rewrite] {
                    attempts.append(try log.request(from: old, to: 64))
                    attempts.append(try log.request(from: old, to: 20))
                }
            }
            for witness in witnesses {
                for attempt in attempts {
                    let answer = await witness.add(attempt)
                    #expect(answer.status != 200, "cosigned a forged checkpoint: old \(attempt.oldSize)")
                }
                let kept = try #require(try await witness.store.log(origin: TestLog.origin)?.latest)
                #expect(kept.checkpoint.rootHash == honest.root(20))
                // Evidence of both kinds, each proven against the ledger's key.
                var kinds: Set<ForkEvidence.Kind> = []
                for name in witness.evidenceFiles() {
                    let bytes = try #require(FileManager.default.contents(atPath: witness.directory.evidencePath
                        + "/" + name))
                    let evidence = try ForkEvidence(fileBytes: Array(bytes))
                    guard case .proven = evidence.check(against: [honest.verifier], hasher: MerkleHasher(.sha256))
                    else {
                        Issue.record("\(name) does not prove the fork")
                        continue
                    }
                    kinds.insert(evidence.kind)
                }
                #expect(kinds == [.sameSize, .inconsistentProof])
                // And the honest ledger goes on being cosigned.
                #expect(await witness.add(try honest.request(from: 20, to: 64)).status == 200)
                await witness.close()
            }
        }
    }
}

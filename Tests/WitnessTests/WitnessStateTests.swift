import Foundation
import LedgerCrypto
import Log
import SignedNote
import Testing
import Witness

/// The witness with its state file: answers, durability across restarts, concurrent requests, kept evidence.
@Suite struct WitnessStateTests {
    @Test func cosignature_verifiesWithTheWitnessKey_andTheLogKey() async throws {
        try await withTemporaryDirectory { folder in
            let log = try TestLog.make(count: 10)
            let witness = try await makeWitness(in: folder, following: [log])
            let answer = await witness.add(try log.request(from: 0, to: 10))
            #expect(answer.status == 200)
            #expect(answer.text.hasPrefix("— example.org/witness "))
            // tlog-witness: the client may append the lines to the checkpoint and open it with the witness key.
            let note = try Note(parsing: (try log.checkpoint(10)).bytes + answer.body)
            let opened = try SignedCheckpoint(opening: note.bytes, logVerifier: log.verifier,
                                              witnesses: [witness.cosigner.verifier])
            #expect(opened.verifiedSignatures.count == 2)
            #expect(Ed25519CosignatureVerifier.timestamp(of: note.signatures[1]) == 1_800_000_000)
            await witness.close()
        }
    }

    @Test func state_isSynchronousFull() async throws {
        try await withTemporaryDirectory { folder in
            let witness = try await makeWitness(in: folder, following: [])
            #expect(try await witness.store.synchronousSetting() == "2")
            await witness.close()
        }
    }

    @Test func state_survivesRestart_andTheOldSizeMustFollowIt() async throws {
        try await withTemporaryDirectory { folder in
            let log = try TestLog.make(count: 30)
            var witness = try await makeWitness(in: folder, following: [log])
            #expect(await witness.add(try log.request(from: 0, to: 10)).status == 200)
            #expect(await witness.add(try log.request(from: 10, to: 20)).status == 200)
            await witness.close()
            witness = try await reopenWitness(in: folder)
            let stale = await witness.add(try log.request(from: 10, to: 30))
            #expect(stale.status == 409)
            #expect(stale.contentType == "text/x.tlog.size")
            #expect(stale.text == "20\n")
            #expect(await witness.add(try log.request(from: 0, to: 5)).status == 409)
            #expect(await witness.add(try log.request(from: 20, to: 30)).status == 200)
            let kept = try #require(try await witness.store.log(origin: TestLog.origin)?.latest)
            #expect(kept.checkpoint.size == 30)
            await witness.close()
        }
    }

    @Test func concurrentRequestsOfTwoBranches_cosignOnlyOne() async throws {
        try await withTemporaryDirectory { folder in
            let honest = try TestLog.make(count: 40)
            let forked = honest.forking(at: 0)
            let witness = try await makeWitness(in: folder, following: [honest])
            // Both branches race from size 0 to 1…40; each request claims old 0 first, then follows 409 answers.
            let cosigned = await withTaskGroup(of: [(branch: Int, size: Int)].self) { group in
                for (branch, log) in [honest, forked].enumerated() {
                    group.addTask {
                        var won: [(branch: Int, size: Int)] = []
                        var old = 0
                        for size in stride(from: 4, through: 40, by: 4) {
                            guard let request = try? AddCheckpointRequest(
                                oldSize: UInt64(old), proof: log.proof(from: old, to: size), note: log.checkpoint(size))
                            else { continue }
                            let answer = await witness.add(request)
                            if answer.status == 200 {
                                won.append((branch: branch, size: size))
                                old = size
                            } else if answer.status == 409, let size = Int(answer.text.dropLast()) {
                                old = size
                            }
                        }
                        return won
                    }
                }
                var all: [(branch: Int, size: Int)] = []
                for await part in group { all += part }
                return all
            }
            let branches = Set(cosigned.map(\.branch))
            #expect(branches.count == 1, "cosigned checkpoints of both branches: \(cosigned)")
            await witness.close()
        }
    }

    @Test func forkWithTheStolenKey_sameSize_isRefused_andEvidenceKept() async throws {
        try await withTemporaryDirectory { folder in
            let log = try TestLog.make(count: 16)
            let witness = try await makeWitness(in: folder, following: [log])
            #expect(await witness.add(try log.request(from: 0, to: 16)).status == 200)
            // A second history of the same size, signed with the log's own key.
            let second = log.forking(at: 9)
            let answer = await witness.add(try second.request(from: 16, to: 16))
            #expect(answer.status == 422)
            #expect(witness.metrics.forks == 1)
            let files = witness.evidenceFiles()
            #expect(files.count == 1)
            let path = witness.directory.evidencePath + "/" + files[0]
            let bytes = try #require(FileManager.default.contents(atPath: path))
            let evidence = try ForkEvidence(fileBytes: Array(bytes))
            #expect(evidence.kind == .sameSize)
            guard case .proven = evidence.check(against: [log.verifier], hasher: MerkleHasher(.sha256)) else {
                Issue.record("kept evidence does not prove the fork")
                return
            }
            // The witness still stands by the first history.
            #expect(try await witness.store.log(origin: TestLog.origin)?.latest?.checkpoint.rootHash == log.root(16))
            #expect(await witness.metricsText().contains("certledger_witness_forks_detected_total 1"))
            // The same fork replayed (stale old this time) is counted again but kept once.
            #expect(await witness.add(try AddCheckpointRequest(oldSize: 0, proof: [], note: second.checkpoint(16)))
                .status == 409)
            #expect(witness.metrics.forks == 2)
            #expect(witness.evidenceFiles() == files)
            await witness.close()
        }
    }

    @Test func forkWithTheStolenKey_rewrittenEntry_isRefused_andEvidenceKept() async throws {
        try await withTemporaryDirectory { folder in
            let log = try TestLog.make(count: 64)
            let witness = try await makeWitness(in: folder, following: [log])
            #expect(await witness.add(try log.request(from: 0, to: 20)).status == 200)
            // Entry 3 rewritten; every later tile and checkpoint recomputed and signed with the stolen key.
            let rewritten = log.rewriting(3, with: Array("entry 3, as the thief wants it".utf8))
            let answer = await witness.add(try rewritten.request(from: 20, to: 64))
            #expect(answer.status == 422)
            let files = witness.evidenceFiles()
            #expect(files.count == 1)
            let path = witness.directory.evidencePath + "/" + files[0]
            let bytes = try #require(FileManager.default.contents(atPath: path))
            let evidence = try ForkEvidence(fileBytes: Array(bytes))
            #expect(evidence.kind == .inconsistentProof)
            guard case .proven = evidence.check(against: [log.verifier], hasher: MerkleHasher(.sha256)) else {
                Issue.record("kept evidence does not prove the fork")
                return
            }
            #expect(await witness.add(try log.request(from: 20, to: 64)).status == 200)
            await witness.close()
        }
    }

    @Test func garbageProofWithAPublicCheckpoint_keepsNoEvidence() async throws {
        try await withTemporaryDirectory { folder in
            let log = try TestLog.make(count: 30)
            let witness = try await makeWitness(in: folder, following: [log])
            #expect(await witness.add(try log.request(from: 0, to: 10)).status == 200)
            let proof = [Hash256](repeating: MerkleHasher(.sha256).emptyRoot(),
                                  count: MerkleHasher.consistencyProofLength(size1: 10, size2: 30))
            let request = try AddCheckpointRequest(oldSize: 10, proof: proof, note: log.checkpoint(30))
            let answer = await witness.add(request)
            #expect(answer.status == 422)
            #expect(witness.evidenceFiles().isEmpty)
            #expect(witness.metrics.forks == 0)
            await witness.close()
        }
    }

    @Test func everyStatus_isCountedInMetrics() async throws {
        try await withTemporaryDirectory { folder in
            let log = try TestLog.make(count: 10)
            let witness = try await makeWitness(in: folder, following: [log])
            _ = await witness.addCheckpoint(body: Array("nonsense".utf8))
            let other = try TestLog.make(count: 3, seed: 3, origin: "example.org/other")
            _ = await witness.add(try other.request(from: 0, to: 3))
            _ = await witness.add(try log.request(from: 0, to: 10))
            _ = await witness.add(try log.request(from: 0, to: 10))
            let text = await witness.metricsText()
            #expect(text.contains("certledger_witness_cosigned_total 1"))
            #expect(text.contains("certledger_witness_refusals_total{reason=\"malformed\"} 1"))
            #expect(text.contains("certledger_witness_refusals_total{reason=\"unknown_origin\"} 1"))
            #expect(text.contains("certledger_witness_refusals_total{reason=\"conflict\"} 1"))
            #expect(text.contains("certledger_witness_logs 1"))
            await witness.close()
        }
    }

    @Test func stateFile_ofAnotherKind_isRefusedAsCorrupt_andCreateNeverReplaces() async throws {
        try await withTemporaryDirectory { folder in
            let witness = try await makeWitness(in: folder, following: [])
            await witness.close()
            do {
                _ = try await WitnessStore.create(path: witness.directory.statePath)
                Issue.record("created a state file over an existing one")
            } catch let error as WitnessError {
                #expect(error.code == .conflict)
            }
            let other = folder + "/other.sqlite"
            _ = try await run("/usr/bin/env", ["python3", "-c",
                "import sqlite3; c = sqlite3.connect('\(other)'); c.execute('CREATE TABLE t (x)'); c.commit()"])
            do {
                _ = try await WitnessStore.open(path: other)
                Issue.record("opened a database that is not a witness state file")
            } catch let error as WitnessError {
                #expect(error.code == .corrupt)
            }
            do {
                _ = try await WitnessStore.open(path: folder + "/missing.sqlite")
                Issue.record("opened a missing file")
            } catch let error as WitnessError {
                #expect(error.code == .notFound)
            }
        }
    }

    @Test func twoWitnessProcessesOnOneStateFile_stillCosignOnlyOneBranch() async throws {
        try await withTemporaryDirectory { folder in
            let honest = try TestLog.make(count: 60)
            let forked = honest.forking(at: 10)
            let first = try await makeWitness(in: folder, following: [honest])
            // A second connection to the same file, as a second `serve` on the same data folder would have: the
            // compare-and-swap inside BEGIN IMMEDIATE is all that orders the two.
            let second = try await reopenWitness(in: folder)
            let cosigned = await withTaskGroup(of: [(branch: Int, size: Int)].self) { group in
                for (index, witness) in [first, second].enumerated() {
                    for (branch, log) in [honest, forked].enumerated() {
                        group.addTask {
                            var won: [(branch: Int, size: Int)] = []
                            var old = 0
                            var size = 2 + index
                            while size <= 60 {
                                guard let request = try? AddCheckpointRequest(
                                    oldSize: UInt64(old), proof: log.proof(from: old, to: size),
                                    note: log.checkpoint(size))
                                else { break }
                                let answer = await witness.add(request)
                                if answer.status == 200 {
                                    won.append((branch: branch, size: size))
                                    old = size
                                } else if answer.status == 409, let now = Int(answer.text.dropLast()) {
                                    old = now
                                    if now >= size { size = now }
                                }
                                size += 2
                            }
                            return won
                        }
                    }
                }
                var all: [(branch: Int, size: Int)] = []
                for await part in group { all += part }
                return all
            }
            let pastFork = Set(cosigned.filter { $0.size > 10 }.map(\.branch))
            #expect(pastFork.count == 1, "cosigned both branches past the fork: \(cosigned)")
            let kept = try #require(try await first.store.log(origin: TestLog.origin)?.latest?.checkpoint)
            let winner = pastFork.first == 0 ? honest : forked
            #expect(kept.rootHash == winner.root(Int(kept.size)))
            #expect(cosigned.map(\.size).max().map(UInt64.init) == kept.size)
            await first.close()
            await second.close()
        }
    }

    @Test func sameCheckpointAgain_isCosignedWithAFreshTimestamp_andKeptSo() async throws {
        try await withTemporaryDirectory { folder in
            let log = try TestLog.make(count: 10)
            var witness = try await makeWitness(in: folder, following: [log], time: 1_800_000_000)
            #expect(await witness.add(try log.request(from: 0, to: 10)).status == 200)
            await witness.close()
            witness = try await reopenWitness(in: folder, time: 1_800_000_600)
            let again = await witness.add(try log.request(from: 10, to: 10))
            #expect(again.status == 200)
            let line = try Note(parsing: (try log.checkpoint(10)).bytes + again.body).signatures[1]
            #expect(Ed25519CosignatureVerifier.timestamp(of: line) == 1_800_000_600)
            let kept = try #require(try await witness.store.log(origin: TestLog.origin)?.latest)
            #expect(kept.note.signatures.last == line)
            #expect(kept.note.signatures.count == 2)
            await witness.close()
        }
    }
}

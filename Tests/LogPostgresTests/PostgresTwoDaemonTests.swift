import Foundation
import Testing
import LedgerCrypto
import Log
import LogPostgres
import SignedNote
import LogStoreContract

/// Two daemons, one ledger: two `PostgresLogStore`s (separate connection pools, as two processes would have) on
/// one schema, each under its own `Sequencer`, both taking submissions at the same time.
@Suite struct PostgresTwoDaemonTests {
    /// What one accepted submission was told.
    struct Answer: Sendable {
        let payload: [UInt8]
        let index: UInt64
        let leaf: Hash256
        let proof: [Hash256]
        let treeSize: UInt64
        let checkpoint: [UInt8]
    }

    @Test func twoSequencersOnOneSchema_interleaveWithoutGapsDuplicatesOrForkedCheckpoints() async throws {
        try await PostgresTestStores.withSchema { options in
            let signer = try Ed25519NoteSigner.generate(name: "two-daemons.certledger.example/log")
            let identity = LogIdentity(origin: signer.name, hashAlgorithm: .sha256, verifier: signer.verifier)
            let creator = try await PostgresLogStore.create(options: options, origin: signer.name)
            try await identity.record(in: creator, verifierKey: signer.verifier.verifierKey)
            await creator.close()

            // Each daemon opens the store itself, checks its identity and loads the head, as certledgerd does.
            var daemons: [(PostgresLogStore, Sequencer)] = []
            let gates = [RetryCountingGate(), RetryCountingGate()]
            for gate in gates {
                let store = try await PostgresLogStore.open(options: options, origin: signer.name)
                try await identity.check(store, verifierKey: signer.verifier.verifierKey)
                let head = try await TreeHead.load(from: store, identity: identity)
                var config = SequencerConfig()
                config.maxBatchEntries = 16
                daemons.append((store, Sequencer(store: store, head: head, identity: identity, signer: signer,
                                                 gate: gate, config: config, logger: quietLogger("certledger.sequencer"))))
            }
            let submittersPerDaemon = 4, perSubmitter = 25
            let started = ContinuousClock.now
            let (answers, retries) = try await withThrowingTaskGroup(of: ([Answer], Int).self) { group in
                for (_, sequencer) in daemons { group.addTask { try await sequencer.run(); return ([], 0) } }
                let load = try await withThrowingTaskGroup(of: ([Answer], Int).self) { submitters in
                    for (number, (_, sequencer)) in daemons.enumerated() {
                        for submitter in 0..<submittersPerDaemon {
                            submitters.addTask {
                                try await Self.submit(to: sequencer, tag: "d\(number)s\(submitter)",
                                                      count: perSubmitter)
                            }
                        }
                    }
                    return try await submitters.reduce(into: ([Answer](), 0)) { $0.0 += $1.0; $0.1 += $1.1 }
                }
                for (_, sequencer) in daemons { sequencer.stopIntake() }
                try await group.waitForAll()
                return load
            }
            let elapsed = ContinuousClock.now - started
            let total = 2 * submittersPerDaemon * perSubmitter
            let lostRaces = gates.map(\.aborts).reduce(0, +)
            let storedOnRetry = gates.map(\.storedAfterAbort).reduce(0, +)
            print("two daemons on PostgreSQL: \(total) entries in \(elapsed); \(lostRaces) lost races, "
                  + "\(storedOnRetry) entries stored on a retry, \(retries) re-sends after storeFailed")

            // Sizes add up: every submission is in exactly once, at exactly the index it was told.
            try #require(answers.count == total)
            #expect(Set(answers.map(\.index)) == Set(0..<UInt64(total)), "indices form 0..<\(total), no gap")
            #expect(Set(answers.map(\.payload)).count == total, "no payload was stored twice")
            #expect(lostRaces > 0, "the two daemons never raced for the same index; the test proved nothing")
            #expect(storedOnRetry > 0, "no batch that lost a race was sequenced again and stored")
            #expect(retries < lostRaces, "most lost races are absorbed by the sequencer, not sent back as 503")

            let reader = try await PostgresLogStore.open(options: options, origin: signer.name)
            #expect(try await reader.head()?.size == UInt64(total))
            let stored = try await reader.entries(0..<UInt64(total))
            let hasher = MerkleHasher(.sha256)
            for answer in answers {
                let entry = try LogEntry(bytes: stored[Int(answer.index)])
                #expect(Array(entry.payload) == answer.payload, "entry \(answer.index) holds what its sender was told")
                // The checkpoint a sender was given is the one stored for that size: no second checkpoint there.
                #expect(try await reader.checkpoint(size: answer.treeSize) == answer.checkpoint)
                let signed = try SignedCheckpoint(opening: answer.checkpoint, logVerifier: identity.verifier)
                let verdict = try hasher.verifyInclusion(leafHash: answer.leaf, index: answer.index,
                    treeSize: answer.treeSize, proof: answer.proof, rootHash: signed.checkpoint.rootHash)
                #expect(verdict == .valid, "inclusion proof of entry \(answer.index) in size \(answer.treeSize)")
            }
            let report = try await LogVerifier(store: reader, identity: identity).verify()
            #expect(report.isValid, "\(report)")
            #expect(report.verifiedEntries == UInt64(total))
            await reader.close()
            for (store, _) in daemons { await store.close() }
        }
    }

    /// Submits `count` payloads one after another; a batch the sequencer gave up on (`storeFailed` after
    /// `SequencerSharing.conflictAttempts` lost races) is sent again, as a client would re-send.
    static func submit(to sequencer: Sequencer, tag: String, count: Int) async throws -> ([Answer], Int) {
        var answers: [Answer] = []
        var retries = 0
        for n in 0..<count {
            let payload = Array(#"{"n":\#(n),"tag":"\#(tag)"}"#.utf8)
            while true {
                do {
                    let group = try await sequencer.submit([payload])
                    let item = try #require(group.items.first)
                    answers.append(Answer(payload: payload, index: item.entry.index, leaf: item.leafHash,
                                          proof: item.inclusionProof, treeSize: group.treeSize,
                                          checkpoint: group.checkpoint))
                    break
                } catch let error as LogError where error.code == .storeFailed {
                    retries += 1
                    try #require(retries < 10_000, "\(tag) starved")
                }
            }
        }
        return (answers, retries)
    }
}

/// Counts, for one sequencer, the batches that lost the compare-and-swap (the sequencer aborts them at the gate)
/// and the entries that were then stored on a later attempt — proof that a lost batch is retried, not dropped.
final class RetryCountingGate: SequencingGate, @unchecked Sendable {
    /// Guards everything below; the gate is called from one sequencer loop, the test reads at the end.
    private let lock = NSLock()
    private var tentative: [[UInt8]] = []
    private var lost: Set<[UInt8]> = []
    private var abortCount = 0
    private var storedAfterAbortCount = 0

    func admit(_ entries: [LogEntry]) throws {
        lock.withLock { tentative += entries.map { Array($0.payload) } }
    }

    func commit() {
        lock.withLock {
            storedAfterAbortCount += tentative.filter { lost.contains($0) }.count
            tentative = []
        }
    }

    func abort() {
        lock.withLock {
            if !tentative.isEmpty { abortCount += 1 }
            lost.formUnion(tentative)
            tentative = []
        }
    }

    func observe(_ entries: [LogEntry]) {}

    var aborts: Int { lock.withLock { abortCount } }
    var storedAfterAbort: Int { lock.withLock { storedAfterAbortCount } }
}

import Foundation
import Testing
import LedgerCrypto
import SignedNote
import LogStoreContract
@testable import Log

/// A log identity and signer for tests: a fresh Ed25519 checkpoint key named after the origin.
struct TestLog {
    let signer: Ed25519NoteSigner
    let identity: LogIdentity
    let store: any LogStore

    init(store: any LogStore, algorithm: HashAlgorithm = .sha256) throws {
        signer = try Ed25519NoteSigner.generate(name: "test.certledger.example/log")
        identity = LogIdentity(origin: signer.name, hashAlgorithm: algorithm, verifier: signer.verifier)
        self.store = store
    }

    func sequencer(config: SequencerConfig = SequencerConfig(), gate: (any SequencingGate)? = nil) async throws
        -> Sequencer {
        let head = try await TreeHead.load(from: store, identity: identity)
        return Sequencer(store: store, head: head, identity: identity, signer: signer, gate: gate, config: config,
                         logger: quietLogger("certledger.sequencer"))
    }

    var reader: LogReader { LogReader(store: store, hashAlgorithm: identity.hashAlgorithm) }
}

/// Runs `body` with the sequencer's loop running, then shuts the loop down gracefully and waits for it.
func withRunning<T: Sendable>(_ sequencer: Sequencer, _ body: @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await sequencer.run() }
        do {
            let result = try await body()
            sequencer.stopIntake()
            try await group.waitForAll()
            return result
        } catch {
            sequencer.stopIntake()
            try? await group.waitForAll()
            throw error
        }
    }
}

func payload(_ n: Int, _ tag: String = "x") -> [UInt8] {
    Array(#"{"n":\#(n),"tag":"\#(tag)"}"#.utf8)
}

/// Rejects any group whose payload contains `"tag":"bad"`; records commits and aborts.
final class TagGate: SequencingGate, @unchecked Sendable {
    private let lock = NSLock()
    private var admitted: [UInt64] = []
    private(set) var committedIndices: [UInt64] = []
    private(set) var aborts = 0

    func admit(_ entries: [LogEntry]) throws {
        for e in entries where String(decoding: e.payload, as: UTF8.self).contains(#""tag":"bad""#) {
            throw LogError(.rejected, field: "tag", "entry \(e.index) is tagged bad")
        }
        lock.withLock { admitted += entries.map(\.index) }
    }
    func commit() { lock.withLock { committedIndices += admitted; admitted = [] } }
    func abort() { lock.withLock { admitted = []; aborts += 1 } }
    func observe(_ entries: [LogEntry]) { lock.withLock { committedIndices += entries.map(\.index) } }
    var committed: [UInt64] { lock.withLock { committedIndices } }
}

@Suite struct SequencerTests {
    @Test func sequentialSubmissions_getConsecutiveIndicesChainedAndCheckpointed() async throws {
        let log = try TestLog(store: MemoryLogStore())
        let sequencer = try await log.sequencer()
        let results = try await withRunning(sequencer) {
            var out: [SequencedGroup] = []
            for i in 0..<20 { out.append(try await sequencer.submit([payload(i)])) }
            return out
        }
        let hasher = MerkleHasher(.sha256)
        var prev = Hash256.zero
        var leaves: [Hash256] = []
        for (i, group) in results.enumerated() {
            let item = try #require(group.items.first)
            #expect(item.entry.index == UInt64(i))
            #expect(item.entry.prev == prev)
            #expect(Array(item.entry.payload) == payload(i))
            #expect(item.leafHash == hasher.leafHash(item.entry.bytes))
            prev = item.leafHash
            leaves.append(prev)
            // The checkpoint covers the entry and verifies with the log key.
            let cp = try SignedCheckpoint(opening: group.checkpoint, logVerifier: log.identity.verifier)
            #expect(cp.checkpoint.size == group.treeSize && group.treeSize > item.entry.index)
            #expect(cp.checkpoint.rootHash == hasher.rootHash(of: leaves.prefix(Int(group.treeSize))))
            // The proof that came with the answer verifies against that checkpoint.
            #expect(try hasher.verifyInclusion(leafHash: item.leafHash, index: item.entry.index,
                                               treeSize: group.treeSize, proof: item.inclusionProof,
                                               rootHash: cp.checkpoint.rootHash).isValid)
        }
        let stored = try await log.store.entries(0..<20)
        #expect(stored == results.map { $0.items[0].entry.bytes })
        #expect(sequencer.head.size == 20)
    }

    @Test func concurrentGroups_areAtomicContiguousAndBatched() async throws {
        let log = try TestLog(store: MemoryLogStore())
        let sequencer = try await log.sequencer()
        let groups = try await withRunning(sequencer) {
            try await withThrowingTaskGroup(of: SequencedGroup.self) { tasks in
                for g in 0..<60 {
                    tasks.addTask { try await sequencer.submit((0..<(1 + g % 4)).map { payload(g * 10 + $0) }) }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
        }
        var seen = Set<UInt64>()
        let hasher = MerkleHasher(.sha256)
        for group in groups {
            let root = try SignedCheckpoint(opening: group.checkpoint, logVerifier: log.identity.verifier)
                .checkpoint.rootHash
            for item in group.items {
                #expect(try hasher.verifyInclusion(leafHash: item.leafHash, index: item.entry.index,
                                                   treeSize: group.treeSize, proof: item.inclusionProof,
                                                   rootHash: root).isValid)
            }
            let indices = group.items.map(\.entry.index)
            #expect(indices == Array(indices[0]...(indices[0] + UInt64(indices.count) - 1)), "group not contiguous")
            for i in indices { #expect(seen.insert(i).inserted, "index \(i) given twice") }
        }
        let total = groups.reduce(0) { $0 + $1.items.count }
        #expect(seen == Set(0..<UInt64(total)))
        // Fewer checkpoints than submissions: submissions shared batches.
        #expect(Set(groups.map(\.treeSize)).count < groups.count)
    }

    @Test func gateRejection_rejectsOnlyThatGroupAndLeavesNoGap() async throws {
        let log = try TestLog(store: MemoryLogStore())
        let gate = TagGate()
        let sequencer = try await log.sequencer(gate: gate)
        let outcome = try await withRunning(sequencer) {
            async let a = sequencer.submit([payload(1)])
            async let b: Result<SequencedGroup, any Error> = {
                do { return .success(try await sequencer.submit([payload(2), payload(3, "bad")])) }
                catch { return .failure(error) }
            }()
            async let c = sequencer.submit([payload(4)])
            return (try await a, await b, try await c)
        }
        guard case .failure(let error) = outcome.1 else { Issue.record("bad group accepted"); return }
        #expect((error as? LogError)?.code == .rejected)
        #expect(Set([outcome.0.items[0].entry.index, outcome.2.items[0].entry.index]) == [0, 1])
        #expect(gate.committed.sorted() == [0, 1])
        #expect(sequencer.head.size == 2)
    }

    @Test func fullQueue_answersOverloadedAtOnceWithRetryAfter() async throws {
        var config = SequencerConfig()
        config.queueLimit = 4
        let log = try TestLog(store: MemoryLogStore())
        let sequencer = try await log.sequencer(config: config)
        // The loop is not running, so nothing drains: the first four entries wait, the fifth is refused.
        let waiting = Task { try await sequencer.submit([payload(0), payload(1), payload(2), payload(3)]) }
        try await Task.sleep(for: .milliseconds(50))
        do {
            _ = try await sequencer.submit([payload(4)])
            Issue.record("a submission beyond the queue limit was accepted")
        } catch let error as LogError {
            #expect(error.code == .overloaded)
            #expect(error.retryAfter == 1)
        }
        // Once the loop runs, the queued group is sequenced.
        let group = try await withRunning(sequencer) { try await waiting.value }
        #expect(group.items.map(\.entry.index) == [0, 1, 2, 3])
    }

    @Test func storeFailure_acknowledgesNothingAndSequencingResumesWithoutGap() async throws {
        let memory = MemoryLogStore()
        let log = try TestLog(store: memory)
        let gate = TagGate()
        let sequencer = try await log.sequencer(gate: gate)
        try await withRunning(sequencer) {
            _ = try await sequencer.submit([payload(0)])
            await memory.injectFault(.failBeforeCommit)
            await #expect(throws: LogError.self) { try await sequencer.submit([payload(1)]) }
            let after = try await sequencer.submit([payload(2)])
            #expect(after.items[0].entry.index == 1)
        }
        #expect(gate.aborts == 1)
        #expect(try await memory.head()?.size == 2)
        let entries = try await memory.entries(0..<2).map { try LogEntry(bytes: $0) }
        #expect(Array(entries[1].payload) == payload(2))
    }

    @Test func appendThatFailsAfterCommitting_isResynchronizedAndObservedByTheGate() async throws {
        let memory = MemoryLogStore()
        let log = try TestLog(store: memory)
        let gate = TagGate()
        let sequencer = try await log.sequencer(gate: gate)
        try await withRunning(sequencer) {
            _ = try await sequencer.submit([payload(0)])
            await memory.injectFault(.failAfterCommit)
            // The outcome is unknown to the sequencer: it must not acknowledge…
            await #expect(throws: LogError.self) { try await sequencer.submit([payload(1), payload(2)]) }
            // …but the store has it, so the next entry goes after it, and the gate has seen it.
            let next = try await sequencer.submit([payload(3)])
            #expect(next.items[0].entry.index == 3)
        }
        #expect(gate.committed.sorted() == [0, 1, 2, 3])
        #expect(sequencer.head.size == 4)
    }

    @Test func gracefulShutdown_finishesQueuedWorkThenRefusesNewWork() async throws {
        let log = try TestLog(store: MemoryLogStore())
        let sequencer = try await log.sequencer()
        let queued = (0..<10).map { i in Task { try await sequencer.submit([payload(i)]) } }
        try await Task.sleep(for: .milliseconds(20))
        sequencer.stopIntake()
        try await sequencer.run()  // drains and returns
        for task in queued { _ = try await task.value }
        #expect(sequencer.head.size == 10)
        await #expect(throws: LogError.self) { try await sequencer.submit([payload(99)]) }
    }

    @Test func timeNeverDecreasesAlongTheLog() async throws {
        let log = try TestLog(store: MemoryLogStore())
        let sequencer = try await log.sequencer()
        let groups = try await withRunning(sequencer) {
            try await (0..<30).asyncMap { try await sequencer.submit([payload($0)]) }
        }
        let times = groups.map(\.items[0].entry.time)
        #expect(times == times.sorted())
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

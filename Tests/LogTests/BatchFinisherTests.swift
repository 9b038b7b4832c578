import Foundation
import Testing
import LedgerCrypto
import SignedNote
import LogStoreContract
@testable import Log

/// Closes each batch with `{"closes":<number of entries before it>}`; fails `finish` while `failing` is set;
/// records commits, aborts and observed entries.
final class CountingFinisher: BatchFinisher, @unchecked Sendable {
    private let lock = NSLock()
    var failing = false
    private(set) var commits = 0
    private(set) var aborts = 0
    private(set) var observed: [UInt64] = []

    func finish(_ entries: [LogEntry], closingIndex: UInt64) throws -> [UInt8] {
        try lock.withLock {
            if failing { throw LogError(.storeFailed, "the finisher cannot keep its state") }
            #expect(entries.last.map { $0.index + 1 } == closingIndex, "the closing entry follows the batch")
            return Array(#"{"closes":\#(closingIndex)}"#.utf8)
        }
    }
    func commit() { lock.withLock { commits += 1 } }
    func abort() { lock.withLock { aborts += 1 } }
    func observe(_ entries: [LogEntry]) { lock.withLock { observed += entries.map(\.index) } }
}

/// The sequencer's batch finisher: every stored batch ends with its entry, inside the batch's checkpoint; the
/// waiters' answers are their own entries only; a finisher that throws fails the batch with nothing stored.
@Suite struct BatchFinisherTests {
    @Test func everyStoredBatch_endsWithTheFinishersEntry_insideItsCheckpoint() async throws {
        let memory = MemoryLogStore()
        let log = try TestLog(store: memory)
        let finisher = CountingFinisher()
        let head = try await TreeHead.load(from: memory, identity: log.identity)
        let sequencer = Sequencer(store: memory, head: head, identity: log.identity, signer: log.signer,
                                  gate: TagGate(), finisher: finisher, logger: quietLogger("certledger.sequencer"))
        let groups = try await withRunning(sequencer) {
            var out: [SequencedGroup] = []
            for i in 0..<5 { out.append(try await sequencer.submit([payload(i), payload(i, "y")])) }
            return out
        }
        let size = try #require(try await memory.head()).size
        #expect(size == 15, "5 batches of 2 entries, each closed by one more")
        let entries = try await memory.entries(0..<size).map { try LogEntry(bytes: $0) }
        for checkpoint in try await memory.checkpoints(from: 1, limit: 100) {
            let last = entries[Int(checkpoint.size) - 1]
            #expect(String(decoding: last.payload, as: UTF8.self) == #"{"closes":\#(checkpoint.size - 1)}"#)
        }
        for group in groups {
            #expect(group.items.count == 2, "the answer holds the submitter's entries, not the closing one")
            #expect(group.treeSize == group.items[1].entry.index + 2, "the checkpoint covers the closing entry")
        }
        #expect(finisher.commits == 5 && finisher.aborts == 0)
    }

    @Test func finisherThatThrows_failsTheBatch_nothingStored_thenSequencingResumes() async throws {
        let memory = MemoryLogStore()
        let log = try TestLog(store: memory)
        let finisher = CountingFinisher()
        let gate = TagGate()
        let head = try await TreeHead.load(from: memory, identity: log.identity)
        let sequencer = Sequencer(store: memory, head: head, identity: log.identity, signer: log.signer,
                                  gate: gate, finisher: finisher, logger: quietLogger("certledger.sequencer"))
        try await withRunning(sequencer) {
            _ = try await sequencer.submit([payload(0)])
            finisher.failing = true
            await #expect(throws: LogError.self) { try await sequencer.submit([payload(1)]) }
            finisher.failing = false
            let after = try await sequencer.submit([payload(2)])
            #expect(after.items[0].entry.index == 2, "no gap: the failed batch took no index")
        }
        #expect(try await memory.head()?.size == 4)
        #expect(finisher.aborts == 1 && finisher.commits == 2)
        #expect(gate.aborts == 1, "the gate forgot the failed batch too")
    }
}

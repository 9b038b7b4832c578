import Testing
import LogStoreContract
@testable import Log

/// `Sequencer.submitEach`: independent groups queued together, in order, each with its own outcome.
@Suite struct SequencerSubmitEachTests {
    @Test func groupsQueuedTogether_shareOneBatch_inOrder_andARefusedGroupLeavesTheOthersAlone() async throws {
        let log = try TestLog(store: MemoryLogStore())
        let gate = TagGate()
        let sequencer = try await log.sequencer(gate: gate)
        let groups: [[[UInt8]]] = [[payload(0)], [payload(1), payload(2)], [payload(3, "bad")], [payload(4)], []]
        let outcomes = try await withRunning(sequencer) { await sequencer.submitEach(groups) }
        #expect(outcomes.count == 5)
        let indices = outcomes.map { (try? $0.get())?.items.map(\.entry.index) }
        // In the order given, the refused groups taking no index.
        #expect(indices == [[0], [1, 2], nil, [3], nil])
        let sizes = Set(outcomes.compactMap { try? $0.get().treeSize })
        #expect(sizes == [4], "one batch, one checkpoint")
        for position in [2, 4] {
            guard case .failure(let error as LogError) = outcomes[position] else {
                Issue.record("group \(position) should have failed: \(outcomes[position])")
                continue
            }
            #expect(error.code == .rejected)
        }
        #expect(try await log.store.entries(0..<4).map { Array(try LogEntry(bytes: $0).payload) }
                == [payload(0), payload(1), payload(2), payload(4)])
        #expect(gate.committed == [0, 1, 2, 3])
    }

    @Test func groupsPastTheQueueLimit_areRefusedOverloaded_theOnesBeforeThemAreSequenced() async throws {
        let log = try TestLog(store: MemoryLogStore())
        var config = SequencerConfig()
        config.queueLimit = 3
        let sequencer = try await log.sequencer(config: config)
        let outcomes = try await withRunning(sequencer) {
            await sequencer.submitEach((0..<5).map { [payload($0)] })
        }
        #expect(outcomes.prefix(3).allSatisfy { (try? $0.get()) != nil })
        for outcome in outcomes.suffix(2) {
            guard case .failure(let error as LogError) = outcome else {
                Issue.record("expected overloaded, got \(outcome)")
                continue
            }
            #expect(error.code == .overloaded && error.retryAfter == 1)
        }
        #expect(sequencer.head.size == 3)
        // Nothing of it queued: answered at once, and the parked loop is not forgotten — it still serves the next.
        let again = try await log.sequencer(config: config)
        let refusedAll = try await withRunning(again) { () throws -> [Result<SequencedGroup, any Error>] in
            try await Task.sleep(for: .milliseconds(20))
            let none = await again.submitEach([[], []])
            #expect(try await again.submit([payload(9)]).items[0].entry.index == 3)
            return none
        }
        #expect(refusedAll.allSatisfy { if case .failure = $0 { true } else { false } })
    }
}

import Foundation
import Testing
import LedgerCrypto
import LogStoreContract
@testable import Log

/// A sequencer sharing its store with another writer (several daemons on one PostgreSQL ledger, here in memory):
/// lost races are retried on the new head, other failures are not, and an idle sequencer follows the other
/// writer's entries.
@Suite struct SequencerSharingTests {
    @Test func appendLosingOneRace_isSequencedAgainOnTheNewHeadAndAcknowledged() async throws {
        let memory = MemoryLogStore()
        let peerLog = try TestLog(store: memory)
        let peer = try await peerLog.sequencer()
        let store = RacingStore(memory, races: 1) { _ in _ = try await peer.submit([payload(1, "peer")]) }
        let log = try TestLog(sharing: store, with: peerLog)
        let gate = RecordingGate()
        let ours = try await log.sequencer(gate: gate)
        let group = try await withRunning(peer) { try await withRunning(ours) { try await ours.submit([payload(0)]) } }

        let item = try #require(group.items.first)
        #expect(item.entry.index == 1, "sequenced again after the peer's entry 0")
        let stored = try await memory.entries(0..<2)
        #expect(try LogEntry(bytes: stored[0]).payload == payload(1, "peer")[...])
        #expect(stored[1] == item.entry.bytes)
        #expect(item.entry.prev == MerkleHasher(.sha256).leafHash(stored[0]), "chained to the winner's entry")
        #expect(group.treeSize == 2 && ours.head.size == 2)
        #expect(try await memory.checkpoint(size: 2) == group.checkpoint)
        #expect(gate.events == ["admit [0]", "abort", "observe [0]", "admit [1]", "commit"])
        #expect(store.appends == 2)
        let report = try await LogVerifier(store: memory, identity: log.identity).verify()
        #expect(report.isValid, "\(report)")
    }

    @Test func raceLostEveryTime_failsTheWaitersAfterTheConfiguredAttempts() async throws {
        let memory = MemoryLogStore()
        let peerLog = try TestLog(store: memory)
        let peer = try await peerLog.sequencer()
        let store = RacingStore(memory, races: .max) { n in _ = try await peer.submit([payload(n, "peer")]) }
        let log = try TestLog(sharing: store, with: peerLog)
        let gate = RecordingGate()
        let ours = try await log.sequencer(gate: gate, sharing: SequencerSharing(conflictAttempts: 3))
        let error = try await withRunning(peer) {
            try await withRunning(ours) {
                await #expect(throws: LogError.self) { _ = try await ours.submit([payload(0)]) }
            }
        }
        #expect(error?.code == .storeFailed)
        #expect(error?.reason.contains("other writers appended first 3 time(s)") == true, "\(String(describing: error))")
        #expect(store.appends == 3, "three attempts, no more")
        #expect(gate.events == ["admit [0]", "abort", "observe [0]", "admit [1]", "abort", "observe [1]",
                                "admit [2]", "abort", "observe [2]"])
        #expect(ours.head.size == 3, "the head follows the store even when the batch fails")
        #expect(try await memory.head()?.size == 3, "nothing of ours was written")
    }

    @Test func storeOfferingTurns_retriesInATurn_whereTheBusyPeerCannotOvertakeAgain() async throws {
        let memory = MemoryLogStore()
        let peerLog = try TestLog(store: memory)
        let peer = try await peerLog.sequencer()
        // The peer wins every optimistic race; only a turn gets this sequencer's batch in.
        let racing = RacingStore(memory, races: .max) { n in _ = try await peer.submit([payload(n, "peer")]) }
        let store = TurnTakingStore(racing)
        let log = try TestLog(sharing: store, with: peerLog)
        let gate = RecordingGate()
        let ours = try await log.sequencer(gate: gate)
        let group = try await withRunning(peer) { try await withRunning(ours) { try await ours.submit([payload(0)]) } }
        #expect(group.items.first?.entry.index == 1)
        #expect(store.turns == 1 && racing.appends == 1, "one lost race, then one turn")
        #expect(gate.events == ["admit [0]", "abort", "observe [0]", "admit [1]", "commit"])
        #expect(try await memory.head()?.size == 2)
        let report = try await LogVerifier(store: memory, identity: log.identity).verify()
        #expect(report.isValid, "\(report)")
    }

    @Test func groupTheGateRefusesOnTheNewHead_getsTheGateErrorNotStoreFailed() async throws {
        let memory = MemoryLogStore()
        let peerLog = try TestLog(store: memory)
        let peer = try await peerLog.sequencer()
        // The peer stores the very payload ours is sequencing (the same submission sent to two daemons).
        let store = RacingStore(memory, races: 1) { _ in _ = try await peer.submit([payload(7)]) }
        let log = try TestLog(sharing: store, with: peerLog)
        let gate = RecordingGate()
        let ours = try await log.sequencer(gate: gate)
        let error = try await withRunning(peer) {
            try await withRunning(ours) {
                await #expect(throws: LogError.self) { _ = try await ours.submit([payload(7)]) }
            }
        }
        #expect(error?.code == .rejected, "\(String(describing: error))")
        #expect(gate.events == ["admit [0]", "abort", "observe [0]", "reject 1", "commit"])
        #expect(try await memory.head()?.size == 1)
    }

    @Test func failureThatIsNotARace_isNotRetried() async throws {
        let memory = MemoryLogStore()
        let store = RacingStore(memory, races: 0) { _ in }
        let log = try TestLog(store: store)
        let gate = RecordingGate()
        let ours = try await log.sequencer(gate: gate)
        await memory.injectFault(.failBeforeCommit)
        let error = try await withRunning(ours) {
            await #expect(throws: LogError.self) { _ = try await ours.submit([payload(0)]) }
        }
        #expect(error?.code == .storeFailed)
        #expect(store.appends == 1, "an outright failure is reported, not retried")
        #expect(gate.events == ["admit [0]", "abort"])
    }

    @Test func follower_catchesUpBeforeEachBatch_soItsGateJudgesTheCurrentLogAndNoRaceIsLost() async throws {
        let memory = MemoryLogStore()
        let peerLog = try TestLog(store: memory)
        let peer = try await peerLog.sequencer()
        let store = RacingStore(memory, races: 0) { _ in }
        let log = try TestLog(sharing: store, with: peerLog)
        let gate = RecordingGate()
        // An interval far beyond the test: only the look before the batch can have caught up.
        let ours = try await log.sequencer(gate: gate, sharing: SequencerSharing(followInterval: .seconds(600)))
        let (refused, fresh) = try await withRunning(peer) {
            try await withRunning(ours) {
                _ = try await peer.submit([payload(0, "peer")])
                // The same payload the peer just stored: a gate that saw the log refuses it.
                let refused = await #expect(throws: LogError.self) { _ = try await ours.submit([payload(0, "peer")]) }
                return (refused, try await ours.submit([payload(1)]))
            }
        }
        #expect(refused?.code == .rejected)
        #expect(fresh.items.first?.entry.index == 1)
        #expect(gate.events == ["observe [0]", "reject 1", "commit", "admit [1]", "commit"])
        #expect(store.appends == 1, "no append was built on a stale head")
    }

    @Test func idleFollower_seesTheOtherWritersEntriesInOrder_andANonFollowerDoesNot() async throws {
        let memory = MemoryLogStore()
        let peerLog = try TestLog(store: memory)
        let peer = try await peerLog.sequencer()
        let log = try TestLog(sharing: memory, with: peerLog)
        let gate = RecordingGate()
        let follower = try await log.sequencer(gate: gate,
                                              sharing: SequencerSharing(followInterval: .milliseconds(20)))
        let bystander = try await log.sequencer()
        try await withRunning(peer) {
            try await withRunning(follower) {
                try await withRunning(bystander) {
                    for n in 0..<3 { _ = try await peer.submit([payload(n, "peer")]) }
                    _ = try await peer.submit([payload(3, "peer"), payload(4, "peer")])
                    let deadline = ContinuousClock.now + .seconds(5)
                    while follower.head.size < 5, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    #expect(follower.head.size == 5)
                    #expect(follower.head.checkpoint == peer.head.checkpoint, "the peer's signed checkpoint")
                    #expect(bystander.head.size == 0, "without following, only a lost race would move it")
                }
            }
        }
        let observed = gate.events.filter { $0.hasPrefix("observe") }
        #expect(observed.joined(separator: " ").filter(\.isNumber) == "01234", "\(gate.events)")
        #expect(!gate.events.contains { $0.hasPrefix("admit") })
    }
}

extension TestLog {
    /// A second writer of `other`'s log on `store`: same identity and checkpoint key.
    init(sharing store: any LogStore, with other: TestLog) throws {
        signer = other.signer
        identity = other.identity
        self.store = store
    }

    func sequencer(gate: (any SequencingGate)?, sharing: SequencerSharing) async throws -> Sequencer {
        let head = try await TreeHead.load(from: store, identity: identity)
        return Sequencer(store: store, head: head, identity: identity, signer: signer, gate: gate, sharing: sharing,
                         logger: quietLogger("certledger.sequencer"))
    }
}

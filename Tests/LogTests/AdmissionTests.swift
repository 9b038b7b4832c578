import Foundation
import Synchronization
import Testing
import LedgerCrypto
import LogStoreContract
@testable import Log

/// Groups submitted with an `Admission`: the gate decides with the admission (`admit(_:as:)`), given entries built
/// from its payloads, and never as bare payloads; the sequencer keeps the admission for a retry.
@Suite struct AdmissionTests {
    /// What an admission's decision was given, in order.
    final class Decisions: Sendable {
        /// Guards the groups recorded so far: decisions run on the sequencer's loop, the test reads them after.
        private let entries = Mutex<[[LogEntry]]>([])
        func record(_ group: [LogEntry]) { entries.withLock { $0.append(group) } }
        var all: [[LogEntry]] { entries.withLock { $0 } }
    }

    @Test func admission_isDecidedWithItsEntries_andNeverReachesTheGateAsBarePayloads() async throws {
        let log = try TestLog(store: MemoryLogStore())
        let gate = TagGate()
        let sequencer = try await log.sequencer(gate: gate)
        let decisions = Decisions()
        let admission = Admission(payloads: [payload(1), payload(2)]) { decisions.record($0) }
        let (admitted, bare) = try await withRunning(sequencer) {
            (try await sequencer.submit(admission), try await sequencer.submit([payload(3)]))
        }
        let decided = try #require(decisions.all.first)
        #expect(decisions.all.count == 1)
        #expect(decided.map(\.index) == [0, 1] && decided.map { Array($0.payload) } == admission.payloads)
        #expect(admitted.items.map(\.entry.bytes) == decided.map(\.bytes))
        #expect(gate.committed == [bare.items[0].entry.index], "the gate's bare admit saw only the bare group")
    }

    @Test func refusingAdmission_refusesItsGroupAlone() async throws {
        let log = try TestLog(store: MemoryLogStore())
        let sequencer = try await log.sequencer(gate: TagGate())
        let refusing = Admission(payloads: [payload(1)]) { entries in
            throw LogError(.rejected, field: "n", "entry \(entries[0].index) refused by its admission")
        }
        let outcomes = try await withRunning(sequencer) {
            await sequencer.submitEach([Admission(payloads: [payload(0)]) { _ in }, refusing,
                                        Admission(payloads: [payload(2)]) { _ in }])
        }
        #expect(try outcomes[0].get().items[0].entry.index == 0 && outcomes[2].get().items[0].entry.index == 1)
        #expect(throws: LogError.self) { try outcomes[1].get() }
        #expect(sequencer.head.size == 2)
    }

    @Test func admissionOfABatchThatLostARace_isDecidedAgainOnTheNewHead() async throws {
        let memory = MemoryLogStore()
        let peerLog = try TestLog(store: memory)
        let peer = try await peerLog.sequencer()
        let store = RacingStore(memory, races: 1) { _ in _ = try await peer.submit([payload(1, "peer")]) }
        let log = try TestLog(sharing: store, with: peerLog)
        let ours = try await log.sequencer(gate: RecordingGate())
        let decisions = Decisions()
        let admission = Admission(payloads: [payload(0)]) { decisions.record($0) }
        let group = try await withRunning(peer) { try await withRunning(ours) { try await ours.submit(admission) } }
        #expect(decisions.all.map { $0.map(\.index) } == [[0], [1]], "the same admission, decided once per attempt")
        #expect(group.items[0].entry.index == 1)
    }
}

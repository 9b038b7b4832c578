import Synchronization
import Testing
import LogStoreContract
@testable import Log

/// A clock the test moves by hand, in whole seconds from an arbitrary epoch.
final class ManualClock: Sendable {
    /// Guards the current reading: the test moves it, the sequencer's loop reads it.
    private let now: Mutex<Int64>

    init(seconds: Int64) { now = Mutex(seconds * 1000) }

    func set(seconds: Int64) { now.withLock { $0 = seconds * 1000 } }

    var reading: @Sendable () -> Timestamp {
        { [self] in Timestamp(millisecondsSinceEpoch: now.withLock { $0 }) }
    }
}

/// Issue #8 item 3, clock jumping backwards: entries' `time` is `max(clock, previous entry's time)` (DESIGN.md §3),
/// so it never decreases along the log, across batches and across a restart with a clock behind the log.
@Suite struct SequencerClockTests {
    /// 2026-11-29T00:00:00Z, an arbitrary start.
    static let base: Int64 = 1_795_910_400

    func config(_ clock: ManualClock) -> SequencerConfig {
        var config = SequencerConfig()
        config.clock = clock.reading
        return config
    }

    @Test func clockMovingForward_isCopiedIntoEachBatch() async throws {
        let clock = ManualClock(seconds: Self.base)
        let log = try TestLog(store: MemoryLogStore())
        let sequencer = try await log.sequencer(config: config(clock))
        let times = try await withRunning(sequencer) {
            var times: [Int64] = []
            for step in 0..<3 {
                clock.set(seconds: Self.base + Int64(step) * 60)
                times.append(try await sequencer.submit([payload(step)]).items[0].entry.time.millisecondsSinceEpoch)
            }
            return times
        }
        #expect(times == [0, 60, 120].map { (Self.base + $0) * 1000 })
    }

    @Test func clockJumpingBackAnHour_holdsTimeUntilTheClockCatchesUp() async throws {
        let clock = ManualClock(seconds: Self.base)
        let log = try TestLog(store: MemoryLogStore())
        let sequencer = try await log.sequencer(config: config(clock))
        let entries = try await withRunning(sequencer) {
            var entries: [LogEntry] = []
            entries += try await sequencer.submit([payload(0), payload(1)]).items.map(\.entry)
            clock.set(seconds: Self.base - 3_600)                  // stepped back an hour
            entries += try await sequencer.submit([payload(2)]).items.map(\.entry)
            clock.set(seconds: Self.base - 3_599)                  // still behind the log
            entries += try await sequencer.submit([payload(3)]).items.map(\.entry)
            clock.set(seconds: Self.base + 5)                      // caught up and passed
            entries += try await sequencer.submit([payload(4)]).items.map(\.entry)
            return entries
        }
        let seconds = entries.map { $0.time.millisecondsSinceEpoch / 1000 - Self.base }
        #expect(seconds == [0, 0, 0, 0, 5])
        // The stored log says the same, and the verifier (which rejects a decreasing time) accepts it.
        let report = try await LogVerifier(store: log.store, identity: log.identity).verify()
        #expect(report.isValid, "\(report)")
        #expect(report.verifiedEntries == 5)
    }

    @Test func restartWithClockBehindTheLog_continuesFromTheLastEntrysTime() async throws {
        let memory = MemoryLogStore()
        let log = try TestLog(store: memory)
        let ahead = ManualClock(seconds: Self.base + 86_400)       // written by a machine a day ahead
        let first = try await log.sequencer(config: config(ahead))
        _ = try await withRunning(first) { try await first.submit([payload(0)]) }

        // A new sequencer over the same store (a restart), its clock a day behind the stored entry.
        let behind = ManualClock(seconds: Self.base)
        let second = try await log.sequencer(config: config(behind))
        let entry = try await withRunning(second) { try await second.submit([payload(1)]).items[0].entry }
        #expect(entry.index == 1)
        #expect(entry.time.millisecondsSinceEpoch == (Self.base + 86_400) * 1000)
        let report = try await LogVerifier(store: memory, identity: log.identity).verify()
        #expect(report.isValid, "\(report)")
    }

    @Test func defaultClock_isTheSystemClock() {
        let before = Timestamp.now()
        let reading = SequencerConfig().clock()
        let after = Timestamp.now()
        #expect(before <= reading && reading <= after)
    }
}

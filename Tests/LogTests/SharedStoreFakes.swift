import Foundation
import Log
import LogStoreContract

/// A store shared with another writer that always gets there first: before each of the first `races` appends,
/// `race` runs (a peer sequencer appending to `inner`), so the append that follows finds the size moved and gets
/// the store's `.conflict`. Everything else goes straight to `inner`.
final class RacingStore: LogStore, @unchecked Sendable {
    let inner: MemoryLogStore
    private let race: @Sendable (Int) async throws -> Void
    /// Guards `racesLeft` and `appendCalls`.
    private let lock = NSLock()
    private var racesLeft: Int
    private var appendCalls = 0

    init(_ inner: MemoryLogStore, races: Int, race: @escaping @Sendable (Int) async throws -> Void) {
        self.inner = inner
        self.racesLeft = races
        self.race = race
    }

    /// Appends asked of this store (lost or not).
    var appends: Int { lock.withLock { appendCalls } }

    func append(_ batch: LogBatch) async throws {
        let raceNumber = lock.withLock { () -> Int? in
            appendCalls += 1
            guard racesLeft > 0 else { return nil }
            racesLeft -= 1
            return appendCalls
        }
        if let raceNumber { try await race(raceNumber) }
        try await inner.append(batch)
    }

    func head() async throws -> LogHead? { try await inner.head() }
    func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] { try await inner.entries(range) }
    func tile(_ key: TileKey) async throws -> [UInt8]? { try await inner.tile(key) }
    func checkpoint(size: UInt64) async throws -> [UInt8]? { try await inner.checkpoint(size: size) }
    func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
        try await inner.checkpoints(from: size, limit: limit)
    }
    func metadata(_ key: String) async throws -> String? { try await inner.metadata(key) }
    func setMetadata(_ key: String, _ value: String) async throws { try await inner.setMetadata(key, value) }
}

/// A gate that remembers what it was told, in order, and refuses a payload already in the log (as the Registry
/// refuses a reused nonce): enough personality to see a retried batch asked again on the new head.
final class RecordingGate: SequencingGate, @unchecked Sendable {
    /// Guards everything below.
    private let lock = NSLock()
    private var log: [String] = []
    private var inLog: Set<[UInt8]> = []
    private var tentative: [[UInt8]] = []

    func admit(_ entries: [LogEntry]) throws {
        try lock.withLock {
            for entry in entries where inLog.contains(Array(entry.payload)) || tentative.contains(Array(entry.payload)) {
                log.append("reject \(entry.index)")
                throw LogError(.rejected, field: "payload", "entry \(entry.index) repeats a payload already in the log")
            }
            log.append("admit \(entries.map(\.index))")
            tentative += entries.map { Array($0.payload) }
        }
    }

    func commit() {
        lock.withLock {
            log.append("commit")
            inLog.formUnion(tentative)
            tentative = []
        }
    }

    func abort() {
        lock.withLock {
            log.append("abort")
            tentative = []
        }
    }

    func observe(_ entries: [LogEntry]) {
        lock.withLock {
            log.append("observe \(entries.map(\.index))")
            inLog.formUnion(entries.map { Array($0.payload) })
        }
    }

    /// What the gate was told, in order (empty commits of batches that admitted nothing included).
    var events: [String] { lock.withLock { log } }
}

/// A `RacingStore` that also offers turns: a plain append may lose to the peer, an append inside a turn never
/// does (nobody appends during a turn), as with PostgreSQL's row lock.
final class TurnTakingStore: AppendTurnStore, @unchecked Sendable {
    let racing: RacingStore
    /// Guards `turnCount`.
    private let lock = NSLock()
    private var turnCount = 0

    init(_ racing: RacingStore) { self.racing = racing }

    /// Turns taken.
    var turns: Int { lock.withLock { turnCount } }

    func withAppendTurn<T: Sendable>(_ body: (AppendTurn) async throws -> T) async throws -> T {
        lock.withLock { turnCount += 1 }
        let inner = racing.inner
        return try await body(AppendTurn { batch in try await inner.append(batch) })
    }

    func append(_ batch: LogBatch) async throws { try await racing.append(batch) }
    func head() async throws -> LogHead? { try await racing.head() }
    func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] { try await racing.entries(range) }
    func tile(_ key: TileKey) async throws -> [UInt8]? { try await racing.tile(key) }
    func checkpoint(size: UInt64) async throws -> [UInt8]? { try await racing.checkpoint(size: size) }
    func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
        try await racing.checkpoints(from: size, limit: limit)
    }
    func metadata(_ key: String) async throws -> String? { try await racing.metadata(key) }
    func setMetadata(_ key: String, _ value: String) async throws { try await racing.setMetadata(key, value) }
}

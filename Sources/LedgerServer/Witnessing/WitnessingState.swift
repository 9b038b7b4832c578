public import Foundation
public import SignedNote
import Log
import Synchronization

/// The newest checkpoint a quorum of witnesses cosigned, and how each witness is doing (DESIGN.md §9): written by
/// the `WitnessCollector`, read by `/checkpoint`, the proof routes, `/healthz` and `/metrics`. One value behind one
/// lock, so a reader takes the witnessed size and its note together.
public final class WitnessingState: Sendable {
    /// A checkpoint carrying the log's signature and at least a quorum of cosignatures.
    public struct Witnessed: Sendable {
        /// The checkpoint.
        public let checkpoint: Checkpoint
        /// The note: the log's signature line, then every cosignature collected for it.
        public let note: [UInt8]
        /// When it was collected (or read back at start).
        public let collectedAt: Date
    }

    /// What one witness last did.
    public struct Member: Sendable {
        /// Its cosignature key's name.
        public let name: String
        /// Its base URL.
        public let url: String
        /// The size it last cosigned for us, or told us in a 409; nil until it answered.
        public var cosignedSize: UInt64?
        /// When it last cosigned.
        public var lastCosignedAt: Date?
        /// Why the last request failed (nil after a success).
        public var lastFailure: WitnessFailure?
        /// Cosignatures received.
        public var cosignatures: UInt64 = 0
        /// Failed requests by reason.
        public var failures: [WitnessFailure.Reason: UInt64] = [:]
    }

    private struct State {
        var members: [Member]
        var rounds: UInt64 = 0
    }

    /// The quorum, nil when the ledger has no witnesses (then nothing here is used).
    public let quorum: Int?
    /// When the daemon started: the age of "no witnessed checkpoint yet".
    public let startedAt = Date()
    /// Guards the members' status.
    private let state: Mutex<State>
    /// The newest witnessed checkpoint, one value: readers take its size and note together, or await a size.
    private let newest: Published<Witnessed?>

    /// State for the witnesses named `members` (name, URL) with `quorum`; `quorum` nil: no witnesses.
    public init(quorum: Int?, members: [(name: String, url: String)] = [], witnessed: Witnessed? = nil) {
        self.quorum = quorum
        state = Mutex(State(members: members.map { Member(name: $0.name, url: $0.url) }))
        newest = Published(witnessed)
    }

    /// Whether checkpoints must be witnessed before they are served.
    public var isEnabled: Bool { quorum != nil }

    /// The newest witnessed checkpoint, nil before the first.
    public var witnessed: Witnessed? { newest.value }

    /// Every member's status, in configuration order.
    public var members: [Member] { state.withLock { $0.members } }

    /// Rounds of requests sent so far.
    public var rounds: UInt64 { state.withLock { $0.rounds } }

    /// Makes `witnessed` the one served, unless a larger one already is.
    func publish(_ witnessed: Witnessed) {
        newest.update { current in
            if let current, current.checkpoint.size > witnessed.checkpoint.size { return nil }
            return witnessed
        }
    }

    /// The newest witnessed checkpoint once its size is at least `size`, or nil when `timeout` passes first (or the
    /// task is cancelled). Waiters are woken by `publish`, never by polling.
    public func waitForWitnessed(atLeast size: UInt64, timeout: Duration) async -> Witnessed? {
        await newest.wait(timeout: timeout) { ($0?.checkpoint.size ?? 0) >= size && $0 != nil } ?? nil
    }

    func countRound() { state.withLock { $0.rounds += 1 } }

    /// The size member `index` last cosigned (or reported).
    func cosignedSize(_ index: Int) -> UInt64? { state.withLock { $0.members[index].cosignedSize } }

    func recordCosignature(_ index: Int, size: UInt64) {
        state.withLock {
            $0.members[index].cosignedSize = size
            $0.members[index].lastCosignedAt = Date()
            $0.members[index].lastFailure = nil
            $0.members[index].cosignatures += 1
        }
    }

    func recordReportedSize(_ index: Int, size: UInt64) {
        state.withLock { $0.members[index].cosignedSize = size }
    }

    func recordFailure(_ index: Int, _ failure: WitnessFailure) {
        state.withLock {
            $0.members[index].lastFailure = failure
            $0.members[index].failures[failure.reason, default: 0] += 1
        }
    }

    /// Seconds since the newest witnessed checkpoint was collected (since start when there is none).
    public func age(now: Date = Date()) -> Double {
        max(0, now.timeIntervalSince(witnessed?.collectedAt ?? startedAt))
    }
}

/// Why a witness did not cosign, for `/metrics` (the reason label) and `/healthz`.
public struct WitnessFailure: Sendable, Error, CustomStringConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        /// No connection or no answer in time.
        case unreachable
        /// 409 twice in a row: its size moved while we re-sent, or it holds a size we cannot prove from.
        case conflict
        /// Its size is larger than our tree: the store is behind what a witness cosigned (a restored backup?).
        case ahead
        /// 403/404: it does not know our key or origin.
        case unknownLog = "unknown_log"
        /// 422: it found the proof or the checkpoint inconsistent with what it cosigned.
        case inconsistent
        /// Any other status, or an answer without a valid cosignature by its key.
        case badAnswer = "bad_answer"
        /// Our side could not build the request (a proof could not be read).
        case local
    }

    public let reason: Reason
    public let message: String

    public var description: String { "\(reason.rawValue): \(message)" }
}

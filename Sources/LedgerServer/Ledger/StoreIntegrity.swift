public import Log
import Synchronization

/// What the daemon's background verification (`BackgroundVerification`) has found so far: read by `/healthz` and
/// `/metrics`, written by the verification only.
public final class StoreIntegrity: Sendable {
    /// Where the verification stands.
    public enum Status: Sendable, Equatable {
        /// Not started (or turned off: `verification.background: false`).
        case notRun
        /// Running: `verified` of `size` entries so far.
        case verifying(verified: UInt64, size: UInt64)
        /// The whole store up to `size` passed every check.
        case verified(size: UInt64, seconds: Double)
        /// Damage: the first bad index (nil when it concerns a checkpoint or the whole store) and why.
        case failed(index: UInt64?, reason: String)
        /// The verification could not reach a verdict (the store could not be read, the scratch file failed).
        case incomplete(reason: String)
    }

    /// Guards the status; each access is one read or swap.
    private let state = Mutex(Status.notRun)

    public init() {}

    /// The current status.
    public var status: Status { state.withLock { $0 } }

    /// The damage found, if any.
    public var failure: (index: UInt64?, reason: String)? {
        if case .failed(let index, let reason) = status { return (index, reason) }
        return nil
    }

    func update(_ status: Status) {
        state.withLock { current in
            if case .failed = current { return }   // damage, once found, is never forgotten
            current = status
        }
    }
}

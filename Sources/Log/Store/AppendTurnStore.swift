/// A store shared by several writers that can also let them take turns (PostgreSQL: a row lock on the tree head).
///
/// Appends are optimistic: a batch is built on the head a sequencer knows and the store's compare-and-swap decides.
/// That alone is not fair. A busy writer needs no catch-up between its batches, while the one that lost must read
/// the winner's entries first, and so tends to lose again, batch after batch. A sequencer that has lost a race
/// therefore asks for a turn: it waits, first come first served among writers, until no append is in progress and
/// others are held off, catches up, builds its batch and appends it within the turn — where nobody can overtake it.
public protocol AppendTurnStore: LogStore {
    /// Waits for the turn, then runs `body` holding it. `body` gets an `AppendTurn`, whose `append` writes and
    /// durably commits one batch (the `LogStore.append` contract) and ends the turn; if `body` returns without
    /// appending, nothing is written. Throws only if the turn could not be taken (e.g. `.unavailable` after the
    /// store's lock timeout); once `body` has run, its result is returned whatever happens to the turn afterwards.
    func withAppendTurn<T: Sendable>(_ body: (AppendTurn) async throws -> T) async throws -> T
}

/// The appending half of a turn (`AppendTurnStore`): one batch, committed before `append` returns.
public struct AppendTurn: Sendable {
    /// Writes and commits `batch` inside the turn, ending it.
    public let append: @Sendable (LogBatch) async throws -> Void

    public init(append: @escaping @Sendable (LogBatch) async throws -> Void) {
        self.append = append
    }
}

/// How a `Sequencer` lives with other writers of its store — several daemons appending to one PostgreSQL ledger
/// (DESIGN.md §6: the database serializes sequencing; each sequencer must cope with losing).
///
/// - Losing a race: an append refused with `LogStoreError.conflict` wrote nothing (the store contract), so the
///   sequencer takes the store's new head, lets its gate observe the winner's entries, and sequences the same
///   groups again on top — new indices, `prev` and `time`, the gate asked again — up to `conflictAttempts` times
///   per batch. Only then, or on any other failure, are the waiters told `storeFailed`.
/// - Following: with `followInterval` set, an idle sequencer asks the store for its head that often and, when
///   another writer moved it, loads it and feeds the new entries to its gate in log order, so that reads answered
///   from this daemon (checkpoint, tiles, the Registry's look-ups and verdicts) include the others' entries. It
///   also looks before every batch, so that the gate judges a batch against the current log (a link to a license
///   another daemon issued a moment ago) and the batch is not built on a head already known to be stale.
public struct SequencerSharing: Sendable, Equatable {
    /// Tries per batch when the store keeps reporting another writer's append first. Default 8: each lost race
    /// means another daemon committed a whole batch meanwhile, so eight in a row means the store is far busier
    /// than this daemon can keep up with, and the waiters are better told to retry later (503) than kept waiting.
    public var conflictAttempts: Int
    /// How often an idle sequencer checks the store for other writers' entries; nil (default): never — right for
    /// a store no other process appends to (SQLite). The daemon sets it for PostgreSQL (`store.postgres`).
    public var followInterval: Duration?

    /// A policy; `conflictAttempts` is at least 1.
    public init(conflictAttempts: Int = 8, followInterval: Duration? = nil) {
        self.conflictAttempts = max(1, conflictAttempts)
        self.followInterval = followInterval
    }
}

import LedgerCrypto
public import Logging
public import ServiceLifecycle
public import SignedNote
import Synchronization

/// The single writer of a log (DESIGN.md §6): takes groups of payloads from any number of concurrent submitters,
/// batches them by size and age, assigns `index`, `prev` and `time`, asks the `SequencingGate`, closes the batch with
/// the `BatchFinisher`'s entry (if there is one), writes the batch, its tiles and one signed checkpoint to the store
/// durably, and only then answers every waiter of the batch.
///
/// It is a swift-service-lifecycle `Service`: `run()` is the loop; graceful shutdown stops intake, finishes the
/// queued batches and their checkpoints, then returns. The queue is bounded: a full queue answers `overloaded`.
///
/// "Single writer" is per process: several daemons may share a store (PostgreSQL) and the store's compare-and-swap
/// decides between them. A batch that loses is sequenced again on the winner's head (`SequencerSharing`), and an
/// idle sequencer can follow the others' appends so that its head and gate stay current.
public final class Sequencer: Service, Sendable {
    struct Pending {
        let payloads: [[UInt8]]
        /// What the personality's check found in the group, for its gate; nil for a group of bare payloads.
        let admission: Admission?
        /// Answers the group's submitter, exactly once.
        let respond: @Sendable (Result<SequencedGroup, any Error>) -> Void
        let arrival: ContinuousClock.Instant
    }

    private struct Queue {
        var pending: [Pending] = []
        var queuedEntries = 0
        var stopping = false
        /// Why submissions are refused for good (damage found in the store), if they are.
        var halted: String?
        /// The follower's tick arrived: when idle, look for other writers' entries (`SequencerSharing`).
        var followDue = false
        /// The loop, parked while there is nothing to do.
        var waiter: CheckedContinuation<Void, Never>?
    }

    public let config: SequencerConfig
    /// Retries after lost races and following of other writers (`SequencerSharing`).
    public let sharing: SequencerSharing
    let store: any LogStore
    let gate: (any SequencingGate)?
    /// Writes the entry that closes every batch (the personality's `map.root`), if the personality has one.
    let finisher: (any BatchFinisher)?
    let identity: LogIdentity
    /// Signs checkpoints and nothing else; its name is the origin.
    let signer: any NoteSigner
    let logger: Logger
    /// Guards the submission queue: submitters append, the loop takes. Never held across an `await`.
    private let queue = Mutex(Queue())
    /// The tree as last committed, its checkpoint with it. Only the loop publishes it (after a durable append, once
    /// the gate and the finisher hold the batch); readers take it whole, or await a size.
    let committed: Published<TreeHead>

    /// Creates a sequencer over a store whose head was loaded and checked by `TreeHead.load(from:identity:)`.
    public init(
        store: any LogStore, head: TreeHead, identity: LogIdentity, signer: any NoteSigner,
        gate: (any SequencingGate)? = nil, finisher: (any BatchFinisher)? = nil,
        config: SequencerConfig = SequencerConfig(), sharing: SequencerSharing = SequencerSharing(),
        logger: Logger = Logger(label: "certledger.sequencer")
    ) {
        precondition(signer.name == identity.origin, "the checkpoint key's name must be the log's origin")
        self.store = store
        self.committed = Published(head)
        self.identity = identity
        self.signer = signer
        self.gate = gate
        self.finisher = finisher
        self.config = config
        self.sharing = sharing
        self.logger = logger
    }

    /// The last durable tree head.
    public var head: TreeHead { committed.value }

    /// The first durable head of at least `size` entries (the current one if it is), or nil after `timeout`.
    public func head(atLeast size: UInt64, timeout: Duration) async -> TreeHead? {
        await committed.wait(timeout: timeout) { $0.size >= size }
    }

    /// Sequences one group of bare payloads atomically at consecutive indices and returns once it is durable; the
    /// gate decides on it with `SequencingGate.admit(_:)`.
    /// Throws `LogError` `.overloaded` (queue full), `.shuttingDown`, `.rejected`-style errors from the gate (passed
    /// through unchanged), `.entryTooLarge`, or `.storeFailed`.
    public func submit(_ payloads: [[UInt8]]) async throws -> SequencedGroup {
        try await submit(payloads, admission: nil)
    }

    /// `submit(_:)` for a group its personality checked: its payloads are `admission.payloads`, and the gate decides
    /// on it with the admission (`SequencingGate.admit(_:as:)`), which holds what the check found.
    public func submit(_ admission: Admission) async throws -> SequencedGroup {
        try await submit(admission.payloads, admission: admission)
    }

    private func submit(_ payloads: [[UInt8]], admission: Admission?) async throws -> SequencedGroup {
        try await withCheckedThrowingContinuation { continuation in
            let respond: @Sendable (Result<SequencedGroup, any Error>) -> Void = { continuation.resume(with: $0) }
            let (refusal, waiter) = queue.withLock { q -> (LogError?, CheckedContinuation<Void, Never>?) in
                if let refusal = enqueue(payloads, admission: admission, respond: respond, in: &q) {
                    return (refusal, nil)
                }
                defer { q.waiter = nil }
                return (nil, q.waiter)
            }
            waiter?.resume()
            if let refusal { respond(.failure(refusal)) }
        }
    }

    /// Sequences each of `groups` as a group of its own, as if each were `submit`ted in this order by one caller
    /// right after the other: all are queued together (so they share batches, and the gate sees them in this
    /// order), and each gets its own outcome — a group refused by the queue limit or by the gate leaves the others
    /// alone. Returns once every group is durable or refused, the outcomes in the order of `groups`.
    public func submitEach(_ groups: [[[UInt8]]]) async -> [Result<SequencedGroup, any Error>] {
        await submitGroups(groups.map { ($0, Admission?.none) })
    }

    /// `submitEach(_:)` for groups their personality checked (see `submit(_:)` of an `Admission`).
    public func submitEach(_ admissions: [Admission]) async -> [Result<SequencedGroup, any Error>] {
        await submitGroups(admissions.map { ($0.payloads, $0) })
    }

    private func submitGroups(_ groups: [([[UInt8]], Admission?)]) async -> [Result<SequencedGroup, any Error>] {
        guard !groups.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let outcomes = GroupOutcomes(count: groups.count, continuation: continuation)
            let (refusals, waiter) = queue.withLock { q -> ([(Int, LogError)], CheckedContinuation<Void, Never>?) in
                var refusals: [(Int, LogError)] = []
                for (position, (payloads, admission)) in groups.enumerated() {
                    if let refusal = enqueue(payloads, admission: admission, respond: { outcomes.set(position, $0) },
                                             in: &q) {
                        refusals.append((position, refusal))
                    }
                }
                // The parked loop is woken (and forgotten) only if something was queued for it.
                guard refusals.count < groups.count else { return (refusals, nil) }
                defer { q.waiter = nil }
                return (refusals, q.waiter)
            }
            waiter?.resume()
            for (position, refusal) in refusals { outcomes.set(position, .failure(refusal)) }
        }
    }

    /// Queues one group, or says why not (empty, too large, shutting down, halted, queue full). Called with the
    /// queue's lock held.
    private func enqueue(_ payloads: [[UInt8]], admission: Admission?,
                         respond: @escaping @Sendable (Result<SequencedGroup, any Error>) -> Void,
                         in q: inout Queue) -> LogError? {
        guard !payloads.isEmpty else {
            return LogError(.rejected, field: "entries", "a group needs at least one entry")
        }
        guard payloads.count <= config.maxGroupEntries else {
            return LogError(.rejected, field: "entries",
                            "a group of \(payloads.count) entries exceeds the limit of \(config.maxGroupEntries)")
        }
        if q.stopping { return LogError(.shuttingDown, "the sequencer is shutting down") }
        if let halted = q.halted { return LogError(.inconsistent, halted) }
        if q.queuedEntries + payloads.count > config.queueLimit {
            return LogError(.overloaded, "\(q.queuedEntries) entries are waiting (limit \(config.queueLimit)); "
                            + "retry later", retryAfter: config.retryAfterSeconds)
        }
        q.pending.append(Pending(payloads: payloads, admission: admission, respond: respond, arrival: .now))
        q.queuedEntries += payloads.count
        return nil
    }

    /// The loop. Returns after a graceful shutdown once everything queued has been sequenced (or failed). With
    /// `sharing.followInterval` set, a child task ticks the idle loop to look for other writers' entries.
    public func run() async throws {
        logger.info("sequencer started", metadata: ["size": "\(head.size)"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                if let interval = sharing.followInterval {
                    group.addTask { await self.tick(every: interval) }
                }
                while let work = await nextWork() {
                    switch work {
                    case .batch(let batch): await process(batch)
                    case .follow: await follow()
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopIntake()
        }
        logger.info("sequencer stopped", metadata: ["size": "\(head.size)"])
    }

    /// Refuses every later submission with `LogError.inconsistent` and `reason`, for the life of this sequencer: the
    /// store was found damaged, and nothing may be appended to a log that cannot be proven. What is queued already
    /// is still sequenced (it was checked, and its submitters are waiting); reads go on.
    public func halt(reason: String) {
        queue.withLock { q in
            if q.halted == nil { q.halted = reason }
        }
    }

    /// Why submissions are refused for good, if they are (`halt(reason:)`).
    public var haltReason: String? { queue.withLock { $0.halted } }

    /// Stops accepting submissions; the loop drains what is queued and `run()` returns.
    public func stopIntake() {
        let waiter = queue.withLock { q -> CheckedContinuation<Void, Never>? in
            q.stopping = true
            defer { q.waiter = nil }
            return q.waiter
        }
        waiter?.resume()
    }

    /// What the loop does next.
    private enum Work {
        case batch([Pending])
        /// Nothing queued and the follower's tick came: look at the store's head.
        case follow
    }

    /// Waits for work; lingers up to `maxBatchDelay` for the batch to fill; nil once stopping and drained.
    private func nextWork() async -> Work? {
        while true {
            let state = queue.withLock { q in
                defer { if q.pending.isEmpty { q.followDue = false } }
                return (q.pending.first?.arrival, q.queuedEntries, q.stopping, q.pending.isEmpty && q.followDue)
            }
            if let oldest = state.0 {
                let deadline = oldest.advanced(by: config.maxBatchDelay)
                if state.1 < config.maxBatchEntries, !state.2, deadline > .now {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                }
                return .batch(takeBatch())
            }
            if state.2 { return nil }
            if state.3 { return .follow }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = queue.withLock { q -> Bool in
                    if !q.pending.isEmpty || q.stopping || q.followDue { return true }
                    q.waiter = c
                    return false
                }
                if ready { c.resume() }
            }
        }
    }

    /// The follower's clock: every `interval` marks a follow as due and wakes an idle loop. Ends when cancelled.
    private func tick(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let waiter = queue.withLock { q -> CheckedContinuation<Void, Never>? in
                q.followDue = true
                defer { q.waiter = nil }
                return q.waiter
            }
            waiter?.resume()
        }
    }

    /// Takes whole groups, oldest first, up to `maxBatchEntries` entries (at least one group).
    private func takeBatch() -> [Pending] {
        queue.withLock { q in
            var count = 0
            var taken = 0
            for p in q.pending {
                if taken > 0 && count + p.payloads.count > config.maxBatchEntries { break }
                count += p.payloads.count
                taken += 1
            }
            let batch = Array(q.pending.prefix(taken))
            q.pending.removeFirst(taken)
            q.queuedEntries -= count
            return batch
        }
    }

    /// Sequences one batch and answers every waiter. A lost race (another writer appended first: the store wrote
    /// nothing) is retried on the store's new head, the gate asked again, up to `sharing.conflictAttempts` times;
    /// a store that offers turns (`AppendTurnStore`) is asked for one for the retries, so that a busy winner
    /// cannot overtake this batch again and again.
    private func process(_ batch: [Pending]) async {
        // A follower (a shared store) first looks whether other writers appended: one small read, where a batch
        // built on a stale head would be judged by a stale gate and then lose the race anyway.
        if sharing.followInterval != nil { await follow() }
        var waiting = batch
        var attempt = 1
        while true {
            let outcome: Attempt
            if attempt > 1, let turns = store as? any AppendTurnStore {
                outcome = await sequenceInTurn(waiting, turns: turns)
            } else {
                let store = self.store
                outcome = await sequence(waiting) { try await store.append($0) }
            }
            guard case .lostRace(let groups, let start, let error) = outcome else { return }
            // The store is the truth: take its head and let the gate see the winner's entries, then try again.
            let synced = await resynchronize(from: start)
            guard synced, attempt < sharing.conflictAttempts else {
                logger.error("batch not stored: lost the race to other writers; nothing acknowledged", metadata: [
                    "firstIndex": "\(start.size)", "attempts": "\(attempt)", "error": "\(error)",
                ])
                let failure = LogError(.storeFailed, "the batch was not stored: other writers appended first "
                    + "\(attempt) time(s) (last at index \(start.size): \(error))"
                    + (synced ? "" : ", and the store's new head could not be loaded"))
                for pending in groups { pending.respond(.failure(failure)) }
                return
            }
            logger.info("lost the race to another writer; sequencing the batch again", metadata: [
                "firstIndex": "\(start.size)", "now": "\(head.size)", "attempt": "\(attempt + 1)",
            ])
            attempt += 1
            waiting = groups
        }
    }

    /// How one attempt at a batch ended.
    enum Attempt {
        /// Every waiter was answered (stored, rejected by the gate, or failed).
        case finished
        /// The append found another writer's batch at its index and wrote nothing: these groups (the ones the gate
        /// admitted) are still waiting; the gate has been told `abort`.
        case lostRace([Pending], start: TreeHead, error: LogStoreError)
    }

    /// One attempt inside the store's append turn: catch up with everything appended before the turn began (no
    /// one can append during it), then sequence. If the turn cannot be had, the waiters are failed.
    private func sequenceInTurn(_ batch: [Pending], turns: any AppendTurnStore) async -> Attempt {
        var ran = false
        do {
            return try await turns.withAppendTurn { turn in
                ran = true
                await resynchronize(from: head)
                return await sequence(batch, append: turn.append)
            }
        } catch {
            guard !ran else { return .finished }   // the attempt ran and answered its waiters
            logger.error("batch not stored: no append turn; nothing acknowledged", metadata: ["error": "\(error)"])
            let failure = LogError(.storeFailed, "the batch was not stored: waiting for the append turn failed: "
                + "\(error)")
            for pending in batch { pending.respond(.failure(failure)) }
            return .finished
        }
    }

    /// Looks at the store's head (when idle, and before each batch, if `SequencerSharing.followInterval` is set)
    /// and catches up if another writer moved it. One small read when nothing changed.
    private func follow() async {
        let known = head
        let stored: LogHead?
        do { stored = try await store.head() } catch {
            logger.warning("could not read the store's head to follow other writers", metadata: ["error": "\(error)"])
            return
        }
        guard let stored, stored.size > known.size else { return }
        await resynchronize(from: known)
    }

    /// Reloads the head from the store (after a failed batch, a lost race, or when following). If the store moved
    /// past `known` (a shared store, or an append that failed after committing), the gate observes the entries in
    /// between, in order, before the new head is published, so reads never see a head the gate has not applied.
    /// The fast way chains and hashes the new entries onto `known` and checks the result against the store's signed
    /// checkpoint (`catchUp`); if that fails, the head is loaded and proven from scratch (`TreeHead.load`).
    /// Returns whether the store's head was loaded.
    @discardableResult
    func resynchronize(from known: TreeHead) async -> Bool {
        do {
            if let head = try await catchUp(from: known) {
                publish(head, after: known)
                return true
            }
        } catch {
            logger.warning("could not follow the store's new entries; loading its head afresh", metadata: [
                "from": "\(known.size)", "error": "\(error)",
            ])
        }
        do {
            let head = try await TreeHead.load(from: store, identity: identity)
            guard head.size != known.size else { return true }
            if head.size > known.size, let gate {
                var index = known.size
                while index < head.size {
                    let end = min(head.size, index + 256)
                    let entries = try await store.entries(index..<end).map { try LogEntry(bytes: $0) }
                    gate.observe(entries)
                    finisher?.observe(entries)
                    index = end
                }
            }
            publish(head, after: known)
            return true
        } catch {
            logger.error("could not resynchronize with the store", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The store's head reached from `known` by the entries appended since (read in chunks of 256, each observed
    /// by the gate once it is chained onto the tree), sealed with the store's checkpoint; nil if the store has not
    /// grown. Throws if the store shrank or anything fails to chain or to match the checkpoint.
    private func catchUp(from known: TreeHead) async throws -> TreeHead? {
        guard let stored = try await store.head() else {
            if known.size == 0 { return nil }
            throw LogError(.inconsistent, "the store is empty but this sequencer knows \(known.size) entries")
        }
        guard stored.size != known.size else { return nil }
        guard stored.size > known.size else {
            throw LogError(.inconsistent, "the store holds \(stored.size) entries, fewer than \(known.size)")
        }
        let hasher = MerkleHasher(identity.hashAlgorithm)
        var tree = known
        while tree.size < stored.size {
            let end = min(stored.size, tree.size + 256)
            let (next, entries) = try tree.extended(with: try await store.entries(tree.size..<end), hasher: hasher)
            gate?.observe(entries)
            finisher?.observe(entries)
            tree = next
        }
        return try tree.sealed(with: stored.checkpoint, identity: identity)
    }

    /// Makes `head` (ahead of `known`, its entries already observed by the gate) the head reads answer from.
    private func publish(_ head: TreeHead, after known: TreeHead) {
        committed.publish(head)
        logger.notice("sequencer resynchronized with the store", metadata: [
            "from": "\(known.size)", "to": "\(head.size)",
        ])
    }
}

/// The outcomes of one `Sequencer.submitEach` call, gathered as the loop answers each group; the caller is resumed
/// once the last one is in.
private final class GroupOutcomes: Sendable {
    /// Guards the outcomes so far and how many are still missing; the continuation is resumed outside it.
    private let state: Mutex<(outcomes: [Result<SequencedGroup, any Error>?], missing: Int)>
    private let continuation: CheckedContinuation<[Result<SequencedGroup, any Error>], Never>

    init(count: Int, continuation: CheckedContinuation<[Result<SequencedGroup, any Error>], Never>) {
        state = Mutex((Array(repeating: nil, count: count), count))
        self.continuation = continuation
    }

    func set(_ position: Int, _ outcome: Result<SequencedGroup, any Error>) {
        let done = state.withLock { state -> [Result<SequencedGroup, any Error>]? in
            guard state.outcomes[position] == nil else { return nil }
            state.outcomes[position] = outcome
            state.missing -= 1
            return state.missing == 0 ? state.outcomes.map { $0! } : nil
        }
        if let done { continuation.resume(returning: done) }
    }
}

/// How the sequencer batches (DESIGN.md §6). Every default is chosen to be safe on a 2-core machine with a
/// slow disk; none of them affects correctness, only latency and throughput.
public struct SequencerConfig: Sendable {
    /// Most entries in one batch: one transaction, one fsync, one checkpoint. Default 256 — one level-0 tile, so a
    /// batch rewrites few tiles; larger batches amortize the fsync further but lengthen the wait of the first.
    public var maxBatchEntries: Int = 256

    /// How long the oldest waiting submission may wait for others to join its batch. Default 2 ms: under load the
    /// next batch fills while the previous one is being fsync'd anyway (group commit), so lingering longer only adds
    /// latency; at zero load it costs 2 ms per submission.
    public var maxBatchDelay: Duration = .milliseconds(2)

    /// Entries that may wait for a batch. Beyond it submitters are told `overloaded` at once with `retryAfter`,
    /// never queued without bound. Default 8,192 (≈ 32 batches): a few hundred ms of work at the measured rates.
    public var queueLimit: Int = 8_192

    /// Most entries in one atomic group (a bundle). Default 64: a license and its seals need far fewer; the bound
    /// keeps one request from monopolising a batch.
    public var maxGroupEntries: Int = 64

    /// Seconds a client is told to wait when the queue is full. Default 1.
    public var retryAfterSeconds: Int = 1

    /// Where entries' `time` comes from. Default `Timestamp.now` (the system's real-time clock). The sequencer
    /// never lets `time` decrease along the log whatever this returns (DESIGN.md §3), so a clock stepped backwards
    /// (NTP, a VM restored from a snapshot) only holds `time` at the last entry's until the clock catches up.
    /// Tests inject a clock that jumps to prove exactly that.
    public var clock: @Sendable () -> Timestamp = { Timestamp.now() }

    public init() {}
}

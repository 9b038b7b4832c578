extension SQLiteLogStore {
    /// Tuning of an SQLite log store; the defaults are what the daemon uses.
    public struct Options: Sendable {
        /// How long a writer waits for another process's write transaction before failing with `.unavailable`.
        /// Default 5 s: far above one batch commit (≈ 1–10 ms of fsync), short enough that a stuck peer is
        /// reported rather than hanging the sequencer.
        public var busyTimeout: Duration
        /// Read-only connections serving reads, each on its own queue. Default 2 (the machine's cores): WAL lets
        /// them read while the writer waits for fsync, so reads never queue behind a commit.
        public var readerCount: Int

        /// The defaults above; `readerCount` is clamped to at least 1.
        public init(busyTimeout: Duration = .seconds(5), readerCount: Int = 2) {
            self.busyTimeout = busyTimeout
            self.readerCount = max(1, readerCount)
        }

        var busyTimeoutMilliseconds: Int32 {
            let (seconds, attoseconds) = busyTimeout.components
            let millis = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
            return Int32(clamping: max(0, millis))
        }
    }

    /// The durability settings SQLite reports back on the writer connection.
    public struct Settings: Sendable, Equatable {
        /// `PRAGMA journal_mode`, lower-cased: "wal" for every store this type opens for writing.
        public let journalMode: String
        /// `PRAGMA synchronous` as its name: "FULL" for every store this type opens for writing.
        public let synchronous: String
        /// `PRAGMA foreign_keys`.
        public let foreignKeys: Bool
    }
}

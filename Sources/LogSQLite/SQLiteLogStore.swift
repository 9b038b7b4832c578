import CSQLite
public import Log
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedded default `LogStore` (DESIGN.md §6): one SQLite file in WAL mode with `synchronous=FULL`.
///
/// Written directly against the system libsqlite3 rather than GRDB: GRDB's `DatabasePool` resets the writer to
/// `synchronous=NORMAL` after our setup (MACHINE-FACTS.md), which would silently void the durability contract;
/// the store needs only a dozen fixed statements; and it is one dependency (and one release-build cost) fewer.
///
/// Connections: one writer (absent in read-only mode) and `Options.readerCount` read-only readers, each owned by an
/// `SQLiteWorker` with its own serial queue. Appends and metadata writes go to the writer, everything else to a
/// reader, so in WAL mode a read never waits for the writer's fsync. Several processes may open one file: each
/// append runs in `BEGIN IMMEDIATE` and compares the stored size with `firstIndex` inside that transaction.
public final class SQLiteLogStore: LogStore {
    /// The database file.
    public let path: String
    /// True for stores opened with `openReadOnly(path:)`: appends and metadata writes throw `.unavailable`.
    public var isReadOnly: Bool { writer == nil }

    private let writer: SQLiteWorker?
    let readers: SQLiteReaderPool

    private init(path: String, writer: SQLiteWorker?, readers: [SQLiteWorker]) {
        self.path = path
        self.writer = writer
        self.readers = SQLiteReaderPool(readers)
    }

    /// Creates a new, empty log file at `path`; throws `.conflict` if anything already exists there.
    ///
    /// Creation is its own call so that a typo'd path given to `open` can never conjure an empty ledger
    /// (STYLE.md: creating a ledger is an explicit act). The file is made with `O_CREAT | O_EXCL`, so two racing
    /// creators cannot both succeed; on any later failure the new file is removed again.
    public static func create(path: String, options: Options = Options()) async throws -> SQLiteLogStore {
        for leftover in [path, path + "-wal", path + "-journal"] where fileExists(leftover) {
            throw LogStoreError(.conflict, "refusing to create a log store: \(leftover) already exists")
        }
        try createExclusively(path)
        do {
            let timeout = options.busyTimeoutMilliseconds
            let writer = try await SQLiteWorker.start(label: "certledger.sqlite.writer", path: path) {
                let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE,
                    busyTimeoutMilliseconds: timeout)
                try SQLiteSchema.install(on: db)
                try SQLiteSchema.configureWriter(db)
                try SQLiteSchema.verify(on: db)
                return db
            }
            return try await finishOpening(path: path, writer: writer, options: options)
        } catch {
            for file in [path, path + "-wal", path + "-shm"] { unlink(file) }
            throw error
        }
    }

    /// Opens an existing log file for appending; throws `.unavailable` naming the path if there is none, and
    /// `.corrupt` if the file is not a CertLedger log (another SQLite database, or not a database at all) or is
    /// damaged (every page is checked: `PRAGMA quick_check`).
    public static func open(path: String, options: Options = Options()) async throws -> SQLiteLogStore {
        try requireExisting(path)
        let timeout = options.busyTimeoutMilliseconds
        let writer = try await SQLiteWorker.start(label: "certledger.sqlite.writer", path: path) {
            // No SQLITE_OPEN_CREATE: a file deleted between the check and here is an error, not a new ledger.
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE, busyTimeoutMilliseconds: timeout)
            try SQLiteSchema.verify(on: db)   // before any PRAGMA that would modify a foreign file
            // SQLite quietly falls back to read-only for a file it may not write; say so now, not at the first append.
            guard sqlite3_db_readonly(db.handle, "main") == 0 else {
                let why = access(path, W_OK) == 0 ? "" : " (\(String(cString: strerror(errno))))"
                throw LogStoreError(.unavailable, "log store at \(path) is not writable by this process\(why)")
            }
            try SQLiteSchema.configureWriter(db)
            try SQLiteLogQueries.checkPages(db)
            try SQLiteLogQueries.checkConsistency(db)
            return db
        }
        do {
            return try await finishOpening(path: path, writer: writer, options: options)
        } catch {
            await writer.close()
            throw error
        }
    }

    /// Opens an existing log file for reading only (auditors): every connection is `SQLITE_OPEN_READONLY`. Like
    /// `open`, it refuses a damaged file (`.corrupt`).
    public static func openReadOnly(path: String, options: Options = Options()) async throws -> SQLiteLogStore {
        try requireExisting(path)
        return try await finishOpening(path: path, writer: nil, options: options)
    }

    /// Closes every connection once the calls already queued on it have finished; later calls throw
    /// `.unavailable`. Dropping the last reference closes them too.
    ///
    /// A writable store first folds its WAL into the database file (`PRAGMA wal_checkpoint(TRUNCATE)`): after a
    /// clean stop the ledger lies in one file, not in WAL frames that a single damaged byte would make SQLite drop
    /// without an error; the emptied WAL file itself is kept (`configureWriter`). Readers are closed before, so
    /// that nothing holds the WAL open; a checkpoint that cannot finish (another process reading) leaves the WAL as
    /// it is, which is still correct.
    public func close() async {
        for reader in readers.all { await reader.close() }
        if let writer {
            _ = try? await writer.run { db in try db.scalarText("PRAGMA wal_checkpoint(TRUNCATE)") }
            await writer.close()
        }
    }

    /// The durability settings as SQLite reports them on the writer (on a reader for read-only stores).
    public func settings() async throws -> Settings {
        try await (writer ?? readers.next()).run { db in
            let mode = try db.scalarText("PRAGMA journal_mode")?.lowercased() ?? ""
            let names = ["0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"]
            let level = try db.scalarText("PRAGMA synchronous") ?? ""
            let foreignKeys = try db.scalarText("PRAGMA foreign_keys") == "1"
            return Settings(journalMode: mode, synchronous: names[level] ?? level, foreignKeys: foreignKeys)
        }
    }

    // MARK: LogStore

    public func head() async throws -> LogHead? {
        try await readers.next().run { db in try SQLiteLogQueries.head(db) }
    }

    public func append(_ batch: LogBatch) async throws {
        // Checked before the writer is even asked, so an oversized entry can never leave a trace.
        for (offset, entry) in batch.entries.enumerated() where entry.count > SQLiteLogQueries.maxEntryBytes {
            throw LogStoreError(.outOfRange,
                "entry \(offset) of the batch at index \(batch.firstIndex) is \(entry.count) bytes; "
                    + "the limit is \(SQLiteLogQueries.maxEntryBytes)")
        }
        try await requireWriter().run { db in try SQLiteLogQueries.append(batch, db) }
    }

    public func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] {
        try await readers.next().run { db in try SQLiteLogQueries.entries(range, db) }
    }

    public func tile(_ key: TileKey) async throws -> [UInt8]? {
        try await readers.next().run { db in try SQLiteLogQueries.tile(key, db) }
    }

    public func checkpoint(size: UInt64) async throws -> [UInt8]? {
        try await readers.next().run { db in try SQLiteLogQueries.checkpoint(size: size, db) }
    }

    public func metadata(_ key: String) async throws -> String? {
        try await readers.next().run { db in try SQLiteLogQueries.metadata(key, db) }
    }

    public func setMetadata(_ key: String, _ value: String) async throws {
        try await requireWriter().run { db in try SQLiteLogQueries.setMetadata(key, value, db) }
    }

    // MARK: Opening

    private func requireWriter() throws -> SQLiteWorker {
        guard let writer else { throw LogStoreError(.unavailable, "log store at \(path) is opened read-only") }
        return writer
    }

    private static func finishOpening(path: String, writer: SQLiteWorker?, options: Options) async throws
        -> SQLiteLogStore
    {
        let timeout = options.busyTimeoutMilliseconds
        var readers: [SQLiteWorker] = []
        do {
            for number in 0..<max(1, options.readerCount) {
                readers.append(try await SQLiteWorker.start(label: "certledger.sqlite.reader\(number)", path: path) {
                    let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY,
                        busyTimeoutMilliseconds: timeout)
                    try SQLiteSchema.configureReader(db)
                    if writer == nil, number == 0 {
                        try SQLiteSchema.verify(on: db)
                        try SQLiteLogQueries.checkPages(db)
                        try SQLiteLogQueries.checkConsistency(db)
                    }
                    return db
                })
            }
        } catch {
            for reader in readers { await reader.close() }
            throw error
        }
        return SQLiteLogStore(path: path, writer: writer, readers: readers)
    }

    private static func requireExisting(_ path: String) throws {
        guard fileExists(path) else {
            throw LogStoreError(.unavailable,
                "no log store at \(path): the file does not exist (a new ledger is made only by an explicit create)")
        }
    }

    private static func fileExists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}

/// Makes an empty file at `path` with `O_CREAT | O_EXCL`: exactly one of several racing creators succeeds.
/// (A free function because inside `SQLiteLogStore` the name `open` means the store's own factory.)
private func createExclusively(_ path: String) throws {
    let fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o640)
    guard fd >= 0 else {
        let failure = errno
        let code: LogStoreError.Code = failure == EEXIST ? .conflict : .unavailable
        throw LogStoreError(code, "cannot create log store at \(path): \(String(cString: strerror(failure)))")
    }
    _ = close(fd)
}

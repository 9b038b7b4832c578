import CSQLite
import Log

/// The on-disk layout of a CertLedger SQLite log and the checks that a file really is one.
///
/// A log file is marked twice in its header: `PRAGMA application_id` (bytes 68–71,
/// https://sqlite.org/fileformat2.html §1.3.16) says "this is a CertLedger log", `PRAGMA user_version` gives the
/// schema version. Any other SQLite file is refused as `.corrupt` before a single row is read, so a daemon pointed
/// at the wrong file cannot append a ledger into someone else's database.
enum SQLiteSchema {
    /// "CLed" in ASCII: the SQLite header's application ID of every CertLedger log file.
    static let applicationID: Int32 = 0x434C_6564
    /// The schema this build writes and reads.
    static let version: Int32 = 1

    /// Tables are STRICT (SQLite ≥ 3.37) so a value of the wrong type is an error, not a silent conversion.
    ///
    /// - entries: index → entry bytes (DESIGN.md §3; at most 65,535 bytes, C2SP tlog-tiles entry bundles).
    /// - tiles: (level, index) → hash tile bytes; a partial tile is replaced by its grown version.
    /// - checkpoints: tree size → signed note, one per batch; the largest size is the log's head and its size.
    /// - metadata: key → value, written once (origin, hash suite, …).
    static let ddl = """
        CREATE TABLE entries (
            idx INTEGER PRIMARY KEY CHECK (idx >= 0),
            data BLOB NOT NULL CHECK (length(data) <= 65535)
        ) STRICT;
        CREATE TABLE tiles (
            level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 255),
            idx INTEGER NOT NULL CHECK (idx >= 0),
            data BLOB NOT NULL,
            PRIMARY KEY (level, idx)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE checkpoints (
            size INTEGER PRIMARY KEY CHECK (size >= 0),
            note BLOB NOT NULL
        ) STRICT;
        CREATE TABLE metadata (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
        PRAGMA application_id = \(applicationID);
        PRAGMA user_version = \(version);
        """

    /// Writes the schema into a freshly created, empty file in one transaction.
    static func install(on db: SQLiteConnection) throws {
        try db.exec("BEGIN IMMEDIATE; \(ddl) COMMIT;")
    }

    /// Refuses a file that is not a CertLedger log of a schema this build understands.
    static func verify(on db: SQLiteConnection) throws {
        // The first read of the header is where a non-SQLite file shows up (SQLITE_NOTADB → .corrupt).
        let application = Int32(try db.scalarText("PRAGMA application_id") ?? "0") ?? 0
        let schema = Int32(try db.scalarText("PRAGMA user_version") ?? "0") ?? 0
        guard application == applicationID else {
            let found = String(UInt32(bitPattern: application), radix: 16)
            throw LogStoreError(.corrupt,
                "\(db.path) is an SQLite database but not a CertLedger log (application_id 0x\(found), "
                    + "expected 0x\(String(applicationID, radix: 16)))")
        }
        guard schema == version else {
            throw LogStoreError(.corrupt,
                "\(db.path) has log schema version \(schema); this build reads version \(version) only")
        }
    }

    /// Makes the writer durable and checks that SQLite agreed: WAL, `synchronous=FULL` (or `NORMAL` when
    /// `derived`), foreign keys.
    ///
    /// Reading the pragmas back matters: a wrapper (GRDB's pool, MACHINE-FACTS.md) or a compile-time default can
    /// quietly leave `synchronous=NORMAL`, under which a WAL commit is not fsync'd and a power cut loses
    /// acknowledged entries (https://sqlite.org/pragma.html#pragma_synchronous). A `derived` file holds only what
    /// is recomputed from the log (the status map): `NORMAL` keeps each commit atomic and survives a killed
    /// process, and a power cut can only lose its last commits, which the start-up recomputes from the log.
    static func configureWriter(_ db: SQLiteConnection, derived: Bool = false) throws {
        let mode = try db.scalarText("PRAGMA journal_mode = WAL")?.lowercased()
        guard mode == "wal" else {
            throw LogStoreError(.unavailable, "\(db.path): journal_mode stayed \(mode ?? "unknown"), WAL required")
        }
        // fullfsync: on macOS plain fsync does not reach the platter; ignored elsewhere.
        let (level, number) = derived ? ("NORMAL", "1") : ("FULL", "2")
        try db.exec("PRAGMA synchronous = \(level); PRAGMA fullfsync = ON; PRAGMA foreign_keys = ON")
        let synchronous = try db.scalarText("PRAGMA synchronous")
        guard synchronous == number else {
            throw LogStoreError(.unavailable, "\(db.path): synchronous reads back as \(synchronous ?? "nothing"), "
                + "not \(level) (\(number)); refusing to open")
        }
        // Keep the (empty, once folded) WAL and its shared-memory index when the last connection closes, instead of
        // deleting them: opening a WAL database needs both, and creating them needs a writable folder with free
        // space. Kept, a store still opens — and serves reads — on a full disk or a folder remounted read-only.
        var persist: Int32 = 1
        guard sqlite3_file_control(db.handle, "main", SQLITE_FCNTL_PERSIST_WAL, &persist) == SQLITE_OK else {
            throw LogStoreError(.unavailable, "\(db.path): SQLITE_FCNTL_PERSIST_WAL was refused")
        }
    }

    /// Reader connections are opened read-only; `query_only` is a second lock on the door.
    static func configureReader(_ db: SQLiteConnection) throws {
        try db.exec("PRAGMA query_only = ON")
    }
}

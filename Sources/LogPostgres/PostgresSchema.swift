/// The tables of one ledger inside one PostgreSQL schema, and the statements the store runs on them.
///
/// Identifiers cannot be bound as query parameters, so every statement is spelled out here once per store, with
/// the schema name that `PostgresStoreOptions.checkSchemaName` has already limited to `[a-z_][a-z0-9_]*`; it is
/// still double-quoted. Everything else is bound.
///
/// - `log`: exactly one row — what this schema is (`format`, `version`), which ledger it holds (`origin`, checked
///   at every open) and the tree size (`size`). Every append locks this row first (`SELECT … FOR UPDATE`) and
///   compares `size` with the batch's first index: the compare-and-swap that serializes appenders across
///   processes. It is also the single source of the size, so reads need no `MAX()`.
/// - `entries`: index → entry bytes (at most 65,535, C2SP entry bundles).
/// - `tiles`: (level, index) → hash tile; a partial tile is replaced by its grown version.
/// - `checkpoints`: tree size → signed note, one per batch.
/// - `metadata`: key → value, each written once.
struct PostgresSchema: Sendable {
    /// Marks the `log` row of every CertLedger schema: a schema of the same name made by something else is refused.
    static let format = "certledger-log"
    /// The layout this build writes and reads.
    static let version: Int32 = 1

    let name: String
    private let q: String

    init(name: String) {
        self.name = name
        self.q = "\"\(name)\""
    }

    /// Run in one transaction by `PostgresLogStore.create`: either the whole schema appears or none of it.
    var ddl: [String] {
        [
            "CREATE SCHEMA \(q)",
            """
            CREATE TABLE \(q).log (
                id smallint PRIMARY KEY CHECK (id = 1),
                format text NOT NULL,
                version integer NOT NULL,
                origin text NOT NULL,
                size bigint NOT NULL CHECK (size >= 0),
                created timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE \(q).entries (
                idx bigint PRIMARY KEY CHECK (idx >= 0),
                data bytea NOT NULL CHECK (octet_length(data) <= 65535)
            )
            """,
            """
            CREATE TABLE \(q).tiles (
                level smallint NOT NULL CHECK (level BETWEEN 0 AND 255),
                idx bigint NOT NULL CHECK (idx >= 0),
                data bytea NOT NULL,
                PRIMARY KEY (level, idx)
            )
            """,
            "CREATE TABLE \(q).checkpoints (size bigint PRIMARY KEY CHECK (size >= 0), note bytea NOT NULL)",
            "CREATE TABLE \(q).metadata (key text PRIMARY KEY, value text NOT NULL)",
        ]
    }

    var insertLogRow: String {
        "INSERT INTO \(q).log (id, format, version, origin, size) VALUES (1, $1, $2, $3, 0)"
    }

    var selectLogRow: String { "SELECT format, version, origin, size FROM \(q).log" }

    /// Size from the log row, highest entry and highest checkpoint: equal after every commit.
    var selectConsistency: String {
        "SELECT l.size, (SELECT max(idx) FROM \(q).entries), (SELECT max(size) FROM \(q).checkpoints) FROM \(q).log l"
    }

    /// Takes the tree-head lock. Under READ COMMITTED a waiter that gets the lock after another append committed
    /// reads the row as that append left it, so the compare that follows sees the new size.
    var lockHead: String { "SELECT size FROM \(q).log WHERE id = 1 FOR UPDATE" }

    /// The whole batch in one statement (one round trip): entries, tiles, checkpoint, new size. The checkpoint is
    /// a plain INSERT for a batch with entries (no checkpoint may exist at a size not reached yet) and an upsert
    /// for an empty batch, which re-publishes the checkpoint of the current size.
    func writeBatch(republishing: Bool) -> String {
        let checkpoint = republishing
            ? "INSERT INTO \(q).checkpoints (size, note) VALUES ($6, $7) "
                + "ON CONFLICT (size) DO UPDATE SET note = EXCLUDED.note"
            : "INSERT INTO \(q).checkpoints (size, note) VALUES ($6, $7)"
        return """
            WITH new_entries AS (
                INSERT INTO \(q).entries (idx, data)
                SELECT $1::bigint + u.ord - 1, u.data FROM unnest($2::bytea[]) WITH ORDINALITY AS u(data, ord)
            ), new_tiles AS (
                INSERT INTO \(q).tiles (level, idx, data)
                SELECT * FROM unnest($3::smallint[], $4::bigint[], $5::bytea[])
                ON CONFLICT (level, idx) DO UPDATE SET data = EXCLUDED.data
            ), new_checkpoint AS (
                \(checkpoint)
            )
            UPDATE \(q).log SET size = $6 WHERE id = 1
            """
    }

    var selectHead: String {
        "SELECT l.size, c.note FROM \(q).log l JOIN \(q).checkpoints c ON c.size = l.size"
    }

    /// The size and the entries in one statement, hence one snapshot: a concurrent append cannot slip between.
    var selectEntries: String {
        """
        SELECT l.size, e.idx, e.data FROM \(q).log l
        LEFT JOIN \(q).entries e ON e.idx >= $1 AND e.idx < $2 AND e.idx < l.size
        ORDER BY e.idx
        """
    }

    var selectTile: String { "SELECT data FROM \(q).tiles WHERE level = $1 AND idx = $2" }
    var selectCheckpoint: String { "SELECT note FROM \(q).checkpoints WHERE size = $1" }
    var selectMetadata: String { "SELECT value FROM \(q).metadata WHERE key = $1" }
    var insertMetadata: String {
        "INSERT INTO \(q).metadata (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING 1"
    }
    /// Tests only: removes the schema and everything in it.
    var drop: String { "DROP SCHEMA IF EXISTS \(q) CASCADE" }
}

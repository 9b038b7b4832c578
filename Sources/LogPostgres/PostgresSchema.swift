/// The tables of one ledger inside one PostgreSQL schema, and the statements the store runs on them.
///
/// Identifiers cannot be bound as query parameters, so every statement is spelled out here once per store, with
/// the schema name that `PostgresStoreOptions.checkSchemaName` has already limited to `[a-z_][a-z0-9_]*`; it is
/// still double-quoted. Everything else is bound.
///
/// - `log`: exactly one row — what this schema is (`format`, `version`), which ledger it holds (`origin`, checked
///   at every open) and the tree size (`size`). Every append updates this row only where `size` equals the
///   batch's first index (`appendBatch`): the compare-and-swap, under the row lock, that serializes appenders
///   across processes. It is also the single source of the size, so reads need no `MAX()`.
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

    /// The whole append as one statement, so one round trip and one transaction (autocommit): the compare-and-swap
    /// on the `log` row, then entries, tiles and checkpoint — written only if the swap happened.
    ///
    /// The swap is `UPDATE … WHERE size = $1`. Under READ COMMITTED an appender that finds the row locked by
    /// another append waits; once that one commits, PostgreSQL re-checks the WHERE clause against the row as the
    /// winner left it, the size no longer matches, no row is updated and nothing else is written. The inserts see
    /// the swap through `head`'s RETURNING rows. The checkpoint is a plain INSERT for a batch with entries (no
    /// checkpoint may exist at a size not reached yet) and an upsert for an empty batch, which re-publishes the
    /// checkpoint of the current size. Returns one row: whether the swap happened.
    func appendBatch(republishing: Bool) -> String {
        let upsert = republishing ? " ON CONFLICT (size) DO UPDATE SET note = EXCLUDED.note" : ""
        return """
            WITH head AS (
                UPDATE \(q).log SET size = $6 WHERE id = 1 AND size = $1 RETURNING size
            ), new_entries AS (
                INSERT INTO \(q).entries (idx, data)
                SELECT $1::bigint + u.ord - 1, u.data FROM unnest($2::bytea[]) WITH ORDINALITY AS u(data, ord)
                WHERE EXISTS (SELECT 1 FROM head)
            ), new_tiles AS (
                INSERT INTO \(q).tiles (level, idx, data)
                SELECT t.level, t.idx, t.data
                FROM unnest($3::smallint[], $4::bigint[], $5::bytea[]) AS t(level, idx, data)
                WHERE EXISTS (SELECT 1 FROM head)
                ON CONFLICT (level, idx) DO UPDATE SET data = EXCLUDED.data
            ), new_checkpoint AS (
                INSERT INTO \(q).checkpoints (size, note) SELECT $6, $7 WHERE EXISTS (SELECT 1 FROM head)\(upsert)
            )
            SELECT EXISTS (SELECT 1 FROM head)
            """
    }

    var selectSize: String { "SELECT size FROM \(q).log WHERE id = 1" }

    /// Takes the `log` row's lock for the rest of the transaction: the turn of `withAppendTurn`. Appenders queue
    /// for this lock in arrival order (PostgreSQL grants row locks first come, first served).
    var lockLogRow: String { "SELECT size FROM \(q).log WHERE id = 1 FOR UPDATE" }

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

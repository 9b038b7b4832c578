/// The status map's tables inside a ledger's PostgreSQL schema, and the statements `PostgresMapNodeStore` runs on
/// them: the layout of the SQLite map file (docs/design-notes.md, "Status map storage").
///
/// - `map_nodes`: (depth, prefix, version) → the node at that position from that version on. A leaf has `key` and
///   `value_hash`, a branch `hash`, a position the version emptied none of them (a tombstone). `prefix` is the
///   first ⌈depth/8⌉ bytes of the subtree's key prefix.
/// - `map_versions`: version → the map root after it.
///
/// The map is a function of the log, so every daemon of a shared ledger derives the same rows for a version:
/// inserts are `ON CONFLICT DO NOTHING`, and a version another daemon already wrote is written again as a no-op
/// (its root compared). The tables are made when a writable daemon first opens the map (`ensureTables`), under the
/// `log` row's lock so that two daemons starting together do not race on the catalog.
struct PostgresMapSchema: Sendable {
    private let q: String

    init(schema: String) {
        q = "\"\(schema)\""
    }

    var ddl: [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS \(q).map_nodes (
                depth smallint NOT NULL CHECK (depth BETWEEN 0 AND 256),
                prefix bytea NOT NULL CHECK (octet_length(prefix) <= 32),
                version bigint NOT NULL CHECK (version >= 0),
                key bytea CHECK (octet_length(key) = 32),
                value_hash bytea CHECK (octet_length(value_hash) = 32),
                hash bytea CHECK (octet_length(hash) = 32),
                PRIMARY KEY (depth, prefix, version)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(q).map_versions (
                version bigint PRIMARY KEY CHECK (version >= 0),
                root bytea NOT NULL CHECK (octet_length(root) = 32)
            )
            """,
        ]
    }

    /// Whether both tables exist (a read-only daemon on a standby cannot make them).
    var tablesExist: String {
        "SELECT to_regclass('\(q).map_nodes') IS NOT NULL AND to_regclass('\(q).map_versions') IS NOT NULL"
    }

    /// The `log` row's lock, held while the tables are made.
    var lockLogRow: String { "SELECT size FROM \(q).log WHERE id = 1 FOR UPDATE" }

    /// The latest version at or below $1.
    var selectLatestVersion: String { "SELECT max(version) FROM \(q).map_versions WHERE version <= $1" }

    var selectRoot: String { "SELECT root FROM \(q).map_versions WHERE version = $1" }

    /// Every position's newest row at or below version $1 (tombstones included: the caller skips them).
    var selectCurrentNodes: String {
        """
        SELECT DISTINCT ON (depth, prefix) depth, prefix, key, value_hash, hash FROM \(q).map_nodes
        WHERE version <= $1 ORDER BY depth, prefix, version DESC
        """
    }

    /// The newest row at or below version $1 of each position in ($2 depths, $3 prefixes): one index probe each.
    var selectPositions: String {
        """
        SELECT p.depth, p.prefix, n.key, n.value_hash, n.hash
        FROM unnest($2::smallint[], $3::bytea[]) AS p(depth, prefix)
        CROSS JOIN LATERAL (
            SELECT key, value_hash, hash FROM \(q).map_nodes m
            WHERE m.depth = p.depth AND m.prefix = p.prefix AND m.version <= $1
            ORDER BY m.version DESC LIMIT 1
        ) n
        """
    }

    /// A batch's rows under version $1: kinds $2 (0 empty, 1 leaf, 2 branch), depths $3, prefixes $4, and per kind
    /// $5 (leaf key or branch hash) and $6 (leaf value hash); unused members are empty byte strings.
    var insertNodes: String {
        """
        INSERT INTO \(q).map_nodes (depth, prefix, version, key, value_hash, hash)
        SELECT u.depth, u.prefix, $1,
               CASE WHEN u.kind = 1 THEN u.a END, CASE WHEN u.kind = 1 THEN u.b END,
               CASE WHEN u.kind = 2 THEN u.a END
        FROM unnest($2::smallint[], $3::smallint[], $4::bytea[], $5::bytea[], $6::bytea[])
            AS u(kind, depth, prefix, a, b)
        ON CONFLICT (depth, prefix, version) DO NOTHING
        """
    }

    /// Records version $1's root $2; returns a row only if it was not there yet.
    var insertVersion: String {
        "INSERT INTO \(q).map_versions (version, root) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING RETURNING 1"
    }

    /// Empties both tables (a map found to disagree with the log is written again from its rebuilt version).
    var truncate: String { "TRUNCATE \(q).map_nodes, \(q).map_versions" }
}

public import Log
import PostgresNIO

/// The newest witnessed checkpoint of a ledger several daemons share, in one row of `witnessed_checkpoint` in the
/// ledger's schema. The table is made by the first daemon that records one (under the `log` row's lock, like the
/// status map's tables); a reader finds no row, or no table yet, the same way: nothing recorded.
extension PostgresLogStore: WitnessedCheckpointSharing {
    public func sharedWitnessedCheckpoint() async throws -> [UInt8]? {
        try await run("reading the shared witnessed checkpoint") { connection in
            var note: [UInt8]?
            do {
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT note FROM \(quotedSchema).witnessed_checkpoint WHERE id = 1"),
                    logger: logger)
                for try await bytes in rows.decode(ByteBuffer.self) { note = Array(buffer: bytes) }
            } catch where PostgresFailure.sqlState(error) == PostgresFailure.SQLState.undefinedTable {
                return nil
            }
            return note
        }
    }

    public func shareWitnessedCheckpoint(_ note: [UInt8], size: UInt64) async throws {
        guard let signedSize = Int64(exactly: size) else {
            throw LogStoreError(.outOfRange, "tree size \(size) is beyond PostgreSQL's bigint")
        }
        let table = "\(quotedSchema).witnessed_checkpoint"
        try await run("recording the shared witnessed checkpoint of size \(size)") { connection in
            try await PostgresSession.transaction(connection, options: options, logger: logger) { connection in
                let exists = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT to_regclass('\(table)') IS NOT NULL"), logger: logger)
                var found = false
                for try await value in exists.decode(Bool.self) { found = value }
                if !found {
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "SELECT size FROM \(quotedSchema).log WHERE id = 1 FOR UPDATE"),
                        logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS \(table) (
                            id smallint PRIMARY KEY CHECK (id = 1),
                            size bigint NOT NULL CHECK (size >= 0),
                            note bytea NOT NULL
                        )
                        """), logger: logger)
                }
                try await connection.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO \(table) (id, size, note) VALUES (1, $1, $2)
                    ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note
                    WHERE \(table).size <= excluded.size
                    """, binds: Self.binds(signedSize, ByteBuffer(bytes: note))), logger: logger)
            }
        }
    }

    private var quotedSchema: String { "\"\(options.schema)\"" }
}

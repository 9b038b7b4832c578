public import Log
import PostgresNIO

extension PostgresLogStore {
    /// The stored checkpoints of sizes `from…`, ascending, at most `limit` of them (`LogStore`).
    public func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
        guard limit > 0, let first = Int64(exactly: size) else { return [] }
        let sql = "SELECT size, note FROM \"\(schema.name)\".checkpoints WHERE size >= $1 ORDER BY size LIMIT $2"
        return try await run("listing the checkpoints from size \(size)") { connection in
            let query = PostgresQuery(unsafeSQL: sql, binds: Self.binds(first, Int64(limit)))
            var found: [LogHead] = []
            for try await (size, note) in try await connection.query(query, logger: logger)
                .decode((Int64, ByteBuffer).self)
            {
                found.append(LogHead(size: try Self.unsigned(size, "checkpoint size"),
                                     checkpoint: Array(note.readableBytesView)))
            }
            return found
        }
    }
}

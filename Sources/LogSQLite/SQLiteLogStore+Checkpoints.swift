public import Log

extension SQLiteLogStore {
    /// The stored checkpoints of sizes `from…`, ascending, at most `limit` of them (`LogStore`).
    public func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
        guard limit > 0, let first = Int64(exactly: size) else { return [] }
        return try await readers.next().run { db in
            var found: [LogHead] = []
            try db.run("SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size LIMIT ?",
                       [.integer(first), .integer(Int64(limit))]) { row in
                guard let size = UInt64(exactly: row.integer(0)) else {
                    throw LogStoreError(.corrupt, "checkpoint size \(row.integer(0)) is negative")
                }
                found.append(LogHead(size: size, checkpoint: row.blob(1)))
            }
            return found
        }
    }
}

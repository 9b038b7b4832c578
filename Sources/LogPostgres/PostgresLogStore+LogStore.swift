public import Log
import Logging
import PostgresNIO

/// The `LogStore` contract (Sources/Log/Store/LogStore.swift) in SQL; statements in `PostgresSchema`.
extension PostgresLogStore {
    /// C2SP tlog-tiles entry bundles prefix each entry with a uint16 length.
    static let maxEntryBytes = 65_535

    public func head() async throws -> LogHead? {
        try await run("reading the head") { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: schema.selectHead), logger: logger)
            var head: LogHead?
            for try await (size, note) in rows.decode((Int64, ByteBuffer).self) {
                head = LogHead(size: try Self.unsigned(size, "tree size"), checkpoint: Array(note.readableBytesView))
            }
            return head
        }
    }

    /// One statement, one transaction: compare-and-swap the size on the `log` row, write everything, commit.
    public func append(_ batch: LogBatch) async throws {
        let query = try await appendQuery(for: batch)
        // One statement in autocommit: committed (and, with synchronous_commit on, flushed) when it returns.
        let swapped = try await run("appending the batch at index \(batch.firstIndex)") { connection in
            try await Self.execute(query, on: connection, logger: logger)
        }
        guard swapped else { throw try await conflict(batch) }
    }

    /// The append statement for `batch` (`PostgresSchema.appendBatch`), after the checks that must come before the
    /// server is asked anything.
    func appendQuery(for batch: LogBatch) async throws -> PostgresQuery {
        // Checked before the server is even asked, so an oversized entry can never leave a trace.
        for (offset, entry) in batch.entries.enumerated() where entry.count > Self.maxEntryBytes {
            throw LogStoreError(.outOfRange,
                "entry \(offset) of the batch at index \(batch.firstIndex) is \(entry.count) bytes; "
                    + "the limit is \(Self.maxEntryBytes)")
        }
        let tiles = try batch.tiles.sorted { $0.key < $1.key }.map { key, tile in   // fixed order: no deadlocks
            guard let index = Int64(exactly: key.index) else {
                throw LogStoreError(.outOfRange, "\(key) index does not fit a signed 64-bit integer")
            }
            return (Int16(key.level), index, ByteBuffer(bytes: tile))
        }
        // A size is a bigint; a batch that would start or end beyond one cannot match any stored size.
        guard let first = Int64(exactly: batch.firstIndex), first <= Int64.max - Int64(batch.entries.count) else {
            let size = try await head()?.size ?? 0
            throw LogStoreError(.conflict,
                "batch starts at index \(batch.firstIndex) but the log holds \(size) entries")
        }
        var binds = PostgresBindings(capacity: 7)
        binds.append(first)
        binds.append(batch.entries.map { ByteBuffer(bytes: $0) })
        binds.append(tiles.map(\.0))
        binds.append(tiles.map(\.1))
        binds.append(tiles.map(\.2))
        binds.append(first + Int64(batch.entries.count))
        binds.append(ByteBuffer(bytes: batch.checkpoint))
        return PostgresQuery(unsafeSQL: schema.appendBatch(republishing: batch.entries.isEmpty), binds: binds)
    }

    /// Runs an append statement; true if its compare-and-swap happened (and so everything was written).
    static func execute(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws
        -> Bool {
        var swapped = false
        for try await done in try await connection.query(query, logger: logger).decode(Bool.self) { swapped = done }
        return swapped
    }

    /// The `.conflict` for a batch whose swap did not happen. The size is read after the fact, for the message
    /// only; the refusal itself was decided under the row lock.
    func conflict(_ batch: LogBatch) async throws -> LogStoreError {
        let size = try await run("reading the size") { connection in
            var size: Int64 = 0
            let rows = try await connection.query(PostgresQuery(unsafeSQL: schema.selectSize), logger: logger)
            for try await value in rows.decode(Int64.self) { size = value }
            return size
        }
        return LogStoreError(.conflict, "batch starts at index \(batch.firstIndex) but the log holds \(size) entries")
    }

    public func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] {
        let (size, rows) = try await run("reading entries \(range.lowerBound)..<\(range.upperBound)") { connection in
            let query = PostgresQuery(unsafeSQL: schema.selectEntries, binds: Self.binds(
                Int64(clamping: range.lowerBound), Int64(clamping: range.upperBound)))
            var size: Int64 = 0
            var found: [(Int64, [UInt8])] = []
            for try await (total, index, data) in try await connection.query(query, logger: logger)
                .decode((Int64, Int64?, ByteBuffer?).self)
            {
                size = total
                if let index, let data { found.append((index, Array(data.readableBytesView))) }
            }
            return (try Self.unsigned(size, "tree size"), found)
        }
        guard range.upperBound <= size else {
            throw LogStoreError(.outOfRange,
                "entries \(range.lowerBound)..<\(range.upperBound) reach past tree size \(size)")
        }
        var expected = range.lowerBound
        for (index, _) in rows {
            guard index == Int64(expected) else {
                throw LogStoreError(.corrupt, "entry \(expected) is missing below tree size \(size)")
            }
            expected += 1
        }
        guard expected == range.upperBound else {
            throw LogStoreError(.corrupt, "entry \(expected) is missing below tree size \(size)")
        }
        return rows.map(\.1)
    }

    public func tile(_ key: TileKey) async throws -> [UInt8]? {
        guard let index = Int64(exactly: key.index) else { return nil }
        return try await single("reading \(key)", schema.selectTile, Self.binds(Int16(key.level), index))
    }

    public func checkpoint(size: UInt64) async throws -> [UInt8]? {
        guard let signed = Int64(exactly: size) else { return nil }
        return try await single("reading the checkpoint at size \(size)", schema.selectCheckpoint, Self.binds(signed))
    }

    public func metadata(_ key: String) async throws -> String? {
        try await run("reading metadata \"\(key)\"") { connection in
            try await Self.metadataValue(key, schema: schema, connection, logger: logger)
        }
    }

    /// Set-once: the same value again is a no-op, a different one a `.conflict`. The insert and the read-back are
    /// separate statements so that the read sees a racing writer's committed value.
    public func setMetadata(_ key: String, _ value: String) async throws {
        try await run("writing metadata \"\(key)\"") { connection in
            let insert = PostgresQuery(unsafeSQL: schema.insertMetadata, binds: Self.binds(key, value))
            var inserted = false
            for try await _ in try await connection.query(insert, logger: logger) { inserted = true }
            if inserted { return }
            let existing = try await Self.metadataValue(key, schema: schema, connection, logger: logger)
            guard existing == value else {
                throw LogStoreError(.conflict, "metadata \"\(key)\" already holds \"\(existing ?? "")\"; refusing "
                    + "to change it to \"\(value)\"")
            }
        }
    }

    // MARK: Helpers

    private static func metadataValue(_ key: String, schema: PostgresSchema, _ connection: PostgresConnection,
                                      logger: Logger) async throws -> String? {
        let query = PostgresQuery(unsafeSQL: schema.selectMetadata, binds: binds(key))
        var value: String?
        for try await text in try await connection.query(query, logger: logger).decode(String.self) { value = text }
        return value
    }

    /// The one bytea column of the one row a lookup finds, or nil.
    private func single(_ doing: String, _ sql: String, _ binds: PostgresBindings) async throws -> [UInt8]? {
        try await run(doing) { connection in
            var found: [UInt8]?
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await data in rows.decode(ByteBuffer.self) { found = Array(data.readableBytesView) }
            return found
        }
    }

    static func binds<each V: PostgresNonThrowingEncodable>(_ values: repeat each V) -> PostgresBindings {
        var binds = PostgresBindings()
        repeat binds.append(each values)
        return binds
    }

    static func unsigned(_ value: Int64, _ what: String) throws -> UInt64 {
        guard let result = UInt64(exactly: value) else { throw LogStoreError(.corrupt, "\(what) \(value) is negative") }
        return result
    }
}

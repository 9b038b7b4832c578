import Log
import Logging
import PostgresNIO

/// Creating a ledger's schema and recognising it again.
extension PostgresLogStore {
    /// The whole schema and its `log` row in one transaction; an existing schema of that name is a `.conflict`.
    func installSchema() async throws {
        let where_ = "schema \(schema.name) in database \(options.database) at \(options.endpoint)"
        do {
            try await pool.withConnection { connection in
                try await PostgresSession.transaction(connection, options: options, logger: logger) { connection in
                    for statement in schema.ddl {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    let insert = PostgresQuery(unsafeSQL: schema.insertLogRow,
                        binds: Self.binds(PostgresSchema.format, PostgresSchema.version, origin))
                    try await connection.query(insert, logger: logger)
                }
            }
        } catch where PostgresFailure.sqlState(error) == PostgresFailure.SQLState.duplicateSchema {
            throw LogStoreError(.conflict, "refusing to create a log store: \(where_) already exists")
        } catch {
            throw PostgresFailure.map(error, doing: "creating \(where_)", options: options)
        }
    }

    /// Checks the `log` row (format, version, origin) and that size, entries and checkpoints agree; returns the
    /// stored origin.
    func verifySchema(expectedOrigin: String?) async throws -> String {
        let where_ = "schema \(schema.name) in database \(options.database) at \(options.endpoint)"
        let row: (format: String, version: Int32, origin: String, size: Int64)
        do {
            row = try await pool.withConnection { connection in
                let rows = try await connection.query(PostgresQuery(unsafeSQL: schema.selectLogRow), logger: logger)
                var found: [(String, Int32, String, Int64)] = []
                for try await row in rows.decode((String, Int32, String, Int64).self) { found.append(row) }
                guard found.count == 1, let only = found.first else {
                    throw LogStoreError(.corrupt, "\(where_) has \(found.count) log rows instead of 1")
                }
                return only
            }
        } catch where [PostgresFailure.SQLState.invalidSchemaName, PostgresFailure.SQLState.undefinedTable]
            .contains(PostgresFailure.sqlState(error))
        {
            // No such schema, or a schema of that name without our tables.
            let cause = PostgresFailure.map(error, doing: "opening \(where_)", options: options)
            throw LogStoreError(.unavailable, "no CertLedger log in \(where_) (a new ledger is made only by an "
                + "explicit create, e.g. `certledger init`): \(cause.reason)")
        } catch {
            throw PostgresFailure.map(error, doing: "opening \(where_)", options: options)
        }
        guard row.format == PostgresSchema.format else {
            throw LogStoreError(.corrupt, "\(where_) is not a CertLedger log (format \"\(row.format)\")")
        }
        guard row.version == PostgresSchema.version else {
            throw LogStoreError(.corrupt,
                "\(where_) has log schema version \(row.version); this build reads version \(PostgresSchema.version)")
        }
        if let expectedOrigin, row.origin != expectedOrigin {
            throw LogStoreError(.conflict,
                "\(where_) holds the ledger \"\(row.origin)\", not \"\(expectedOrigin)\"; refusing to open it")
        }
        try await checkConsistency(where_)
        return row.origin
    }

    /// No entry or checkpoint beyond the size in the `log` row, and the last entry below it present. O(1) lookups.
    private func checkConsistency(_ where_: String) async throws {
        let (size, lastEntry, lastCheckpoint) = try await run("checking \(where_)") { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: schema.selectConsistency), logger: logger)
            var result: (Int64, Int64?, Int64?) = (0, nil, nil)
            for try await row in rows.decode((Int64, Int64?, Int64?).self) { result = row }
            return result
        }
        let entries = (lastEntry ?? -1) + 1
        guard entries == size, (lastCheckpoint ?? 0) == size, size == 0 || lastCheckpoint != nil else {
            throw LogStoreError(.corrupt, "\(where_): the log row says size \(size) but entries reach index \(entries) "
                + "and the last checkpoint is for size \(lastCheckpoint.map(String.init) ?? "none")")
        }
    }

    /// Tests only: removes the schema and everything in it.
    func dropSchema() async throws {
        try await run("dropping schema \(schema.name)") { connection in
            try await connection.query(PostgresQuery(unsafeSQL: schema.drop), logger: logger)
        }
    }
}

extension PostgresLogStore {
    /// Tests only: a store object on `options` without any schema check (to drop a schema, or to look at a broken
    /// one).
    static func connectForMaintenance(options: PostgresStoreOptions) async throws -> PostgresLogStore {
        try await connect(options: options, origin: "", logger: Logger(label: "certledger.postgres.test"))
    }
}

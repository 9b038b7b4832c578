import Foundation
import Log
@testable import LogPostgres
import LogStoreContract
import PostgresTestSupport

/// Stores for tests on the shared test server: each gets a schema of its own, dropped again afterwards.
enum PostgresTestStores {
    static let origin = "contract.example/log"

    /// Options for a new, unique schema on the test server.
    static func options(poolSize: Int = 4, schemaPrefix: String = "t") async throws -> PostgresStoreOptions {
        let server = try await PostgresTestServer.shared()
        let options = try PostgresStoreOptions(url: server.url, environment: ProcessInfo.processInfo.environment,
                                               poolSize: poolSize)
        return try options.with(schema: PostgresTestServer.uniqueSchema(schemaPrefix))
    }

    /// Runs `body` with `options` (a unique schema), then drops the schema whatever happened.
    static func withSchema<T>(poolSize: Int = 4, _ body: (PostgresStoreOptions) async throws -> T) async throws -> T {
        let options = try await options(poolSize: poolSize)
        do {
            let result = try await body(options)
            try await drop(options)
            return result
        } catch {
            try? await drop(options)
            throw error
        }
    }

    static func drop(_ options: PostgresStoreOptions) async throws {
        let store = try await PostgresLogStore.connectForMaintenance(options: options)
        try await store.dropSchema()
        await store.close()
    }

    /// A contract harness: every `makeStore` creates a fresh schema (dropped by `run`), `reopening` closes the store
    /// and opens its schema again through new connections, as a restarted daemon would.
    static func harness(reopening: Bool, created: Created) -> LogStoreContract.Harness {
        LogStoreContract.Harness(
            makeStore: {
                let options = try await options()
                created.add(options)
                return try await PostgresLogStore.create(options: options, origin: origin)
            },
            reopen: { store in
                guard reopening else { return store }
                guard let postgres = store as? PostgresLogStore else {
                    throw LogStoreError(.corrupt, "not a PostgreSQL store")
                }
                await postgres.close()
                return try await PostgresLogStore.open(options: postgres.options, origin: origin)
            }
        )
    }

    /// Runs one contract check against fresh schemas and drops them afterwards.
    static func runContract(_ check: LogStoreContract.Check, reopening: Bool = false) async throws {
        let created = Created()
        do {
            try await LogStoreContract.run(check, harness(reopening: reopening, created: created))
        } catch {
            for options in created.all { try? await drop(options) }
            throw error
        }
        for options in created.all { try await drop(options) }
    }

    /// The schemas a harness made.
    final class Created: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [PostgresStoreOptions] = []
        func add(_ options: PostgresStoreOptions) { lock.withLock { list.append(options) } }
        var all: [PostgresStoreOptions] { lock.withLock { list } }
    }
}

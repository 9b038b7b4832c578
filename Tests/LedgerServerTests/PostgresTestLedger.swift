import Foundation
import LedgerServer
import Log
@testable import LogPostgres
import Logging
import PostgresTestSupport
import LogStoreContract

/// A development ledger (genesis and the nine demo departments, their keys in `folder/departments/`) whose store is
/// a fresh schema on the tests' PostgreSQL server, and the daemon configuration that serves it. Every daemon
/// configured with `config` shares the one ledger.
struct PostgresTestLedger {
    let folder: String
    let config: ServerConfig
    let options: PostgresStoreOptions

    /// A new ledger on the tests' shared server, or on the server at `serverURL`.
    static func make(serverURL: String? = nil, followIntervalMilliseconds: Int = 200) async throws
        -> PostgresTestLedger {
        let sharedURL = serverURL == nil ? try await PostgresTestServer.shared().url : nil
        let server = (url: serverURL ?? sharedURL ?? "", isThrowAway: true)
        let schema = PostgresTestServer.uniqueSchema("d")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-pg-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var config = ServerConfig()
        config.data = folder
        config.listen.port = 0
        var postgres = ServerConfig.Postgres(url: server.url + (server.url.contains("?") ? "&" : "?")
                                             + "schema=\(schema)&sslmode=disable")
        postgres.followIntervalMilliseconds = followIntervalMilliseconds
        config.store.postgres = postgres
        let options = try postgres.storeOptions(environment: ProcessInfo.processInfo.environment)
        let store = try await PostgresLogStore.create(options: options, origin: DevelopmentLedger.origin)
        do {
            try await DevelopmentLedger.create(config: config, in: store, logger: quietLogger("test"))
        } catch {
            try? await store.dropSchema()
            await store.close()
            throw error
        }
        await store.close()
        return PostgresTestLedger(folder: folder, config: config, options: options)
    }

    /// Runs `body` on a new ledger, then removes it whatever happened.
    static func with<T>(followIntervalMilliseconds: Int = 200, _ body: (PostgresTestLedger) async throws -> T)
        async throws -> T {
        let ledger = try await make(followIntervalMilliseconds: followIntervalMilliseconds)
        do {
            let result = try await body(ledger)
            await ledger.remove()
            return result
        } catch {
            await ledger.remove()
            throw error
        }
    }

    /// The YAML a `certledgerd` process reads for this ledger.
    var yaml: String {
        """
        data: \(folder)
        listen: {port: 0}
        store:
          postgres:
            url: "\(config.store.postgres?.url ?? "")"
            followIntervalMilliseconds: \(config.store.postgres?.followIntervalMilliseconds ?? 200)
        """
    }

    /// The same configuration pointed at another schema of the same server.
    func config(schema: String) throws -> ServerConfig {
        var copy = config
        guard let url = copy.store.postgres?.url else { throw DaemonProcessError("not a PostgreSQL ledger") }
        copy.store.postgres?.url = url.replacingOccurrences(of: "schema=\(options.schema)", with: "schema=\(schema)")
        return copy
    }

    /// A store of its own on the ledger's schema (for checks beside the daemons).
    func openStore() async throws -> PostgresLogStore {
        try await PostgresLogStore.open(options: options, origin: DevelopmentLedger.origin)
    }

    /// Drops the schema and removes the folder.
    func remove() async {
        if let store = try? await PostgresLogStore.connectForMaintenance(options: options) {
            try? await store.dropSchema()
            await store.close()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

extension PostgresTestLedger {
    /// Serves this ledger as one daemon would — `Ledger.open` on the shared schema, the sequencer and the HTTP
    /// server in the daemon's ServiceGroup — for the duration of `body`. Several calls, nested, are several
    /// daemons sharing the ledger.
    func serve<T: Sendable>(configure: (inout ServerConfig) -> Void = { _ in }, logger: Logger = quietLogger("test"),
                            _ body: (DevLedgerServer) async throws -> T) async throws -> T {
        var config = self.config
        configure(&config)
        let metrics = ServerMetrics()
        let ledger = try await Ledger.open(config: config, metrics: metrics, logger: logger)
        let folder = self.folder
        do {
            let result = try await withLiveServer({ onRunning in
                try buildApplication(config: config, ledger: ledger, metrics: metrics, logger: logger,
                                     onServerRunning: onRunning)
            }, group: {
                LedgerServices.group(ledger: ledger.log, server: $0, signals: [],
                                     mapWriter: ledger.mapWriterService(logger: logger), logger: logger)
            }) { client in
                try await body(DevLedgerServer(folder: folder, client: client, ledger: ledger))
            }
            await (ledger.log.store as? PostgresLogStore)?.close()
            return result
        } catch {
            await (ledger.log.store as? PostgresLogStore)?.close()
            throw error
        }
    }
}

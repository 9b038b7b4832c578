import ArgumentParser
import Foundation
import LedgerServer
import LogPostgres
import Logging

extension CertLedgerBench {
    /// `Scripts/bench-postgres`'s set-up: a development ledger (genesis, the demo departments and their keys in
    /// `--folder`) whose store is a new schema on a PostgreSQL server, for daemons configured with
    /// `store.postgres` to share. A benchmark fixture only: real ledgers are made with `certledger init`.
    struct PostgresDevLedger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "postgres-dev-ledger",
            abstract: "Create a DEVELOPMENT ledger in a new PostgreSQL schema (keys in --folder), for benchmarks.")

        @Option(help: "The folder for the keys (must not hold a checkpoint key yet).") var folder: String
        @Option(help: "postgres://USER@HOST:PORT/DATABASE?schema=NAME&sslmode=… (password: CERTLEDGER_PG_PASSWORD)")
        var url: String

        func run() async throws {
            var config = ServerConfig()
            config.data = folder
            config.store.postgres = ServerConfig.Postgres(url: url)
            let options = try ServerConfig.Postgres(url: url)
                .storeOptions(environment: ProcessInfo.processInfo.environment)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let store = try await PostgresLogStore.create(options: options, origin: DevelopmentLedger.origin)
            do {
                try await DevelopmentLedger.create(config: config, in: store, logger: Logger(label: "bench"))
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            print("created a development ledger in \(options) with its keys in \(folder)")
        }
    }
}

import Foundation
import LedgerStores
import Log
import LogPostgres
import Logging

/// Opening and closing whichever store the configuration names. The daemon opens, never creates: a SQLite file is
/// made by `certledger init --data`, a PostgreSQL schema by `certledger init --store postgres://…`.
extension LedgerLog {
    /// Opens the configured store for the ledger `origin`; returns it with a printable description of where it is
    /// (for later errors), and the PostgreSQL store again, typed, when it is one (its status map's tables live
    /// there). Every failure is a `LedgerServerError` naming `store.sqlite` or `store.postgres`.
    static func openConfiguredStore(config: ServerConfig, origin: String, environment: [String: String])
        async throws(LedgerServerError) -> (store: any LogStore, place: String, postgres: PostgresLogStore?) {
        guard let postgres = config.store.postgres else {
            let path = config.resolve(config.store.sqlite)
            do {
                return (try await StoreAddress.sqlite(path: path).openForWriting(origin: origin), path, nil)
            } catch {
                throw LedgerServerError(.refusedStore, field: "store.sqlite", "cannot open \(path): \(error)")
            }
        }
        let options = try postgres.storeOptions(environment: environment)
        do {
            let store = try await PostgresLogStore.open(options: options, origin: origin,
                                                        logger: Logger(label: "certledger.postgres"))
            return (store, "\(options)", store)
        } catch let error as LogStoreError {
            throw postgresOpenError(error, options: options)
        } catch {
            throw LedgerServerError(.unreachableStore, field: "store.postgres",
                                    "cannot open the ledger at \(options): \(error)")
        }
    }

    /// What `PostgresLogStore.open` refused, said for an operator: a missing schema points at `certledger init`, a
    /// schema of another ledger is refused, and an unreachable server names the endpoint and the cause (the
    /// store's reason carries host, port, database and the driver's or server's words).
    static func postgresOpenError(_ error: LogStoreError, options: PostgresStoreOptions) -> LedgerServerError {
        switch error.code {
        case .unavailable where error.reason.hasPrefix("no CertLedger log in"):
            // `PostgresLogStore.open` says so (and only so) when the schema or its `log` table does not exist.
            return LedgerServerError(.noLedger, field: "store.postgres",
                "no ledger in schema \(options.schema) of \(options): create it with "
                + "`certledger init --store \(options)` (\(error.reason))")
        case .unavailable:
            return LedgerServerError(.unreachableStore, field: "store.postgres",
                "cannot open the ledger at \(options): \(error.reason)")
        case .conflict:
            return LedgerServerError(.refusedStore, field: "store.postgres",
                "refusing to serve \(options): \(error.reason)")
        case .corrupt, .outOfRange:
            return LedgerServerError(.refusedStore, field: "store.postgres",
                "refusing to serve \(options): \(error.reason)")
        }
    }

    /// Closes a store opened by address (its connections or file handles); other stores are left alone.
    static func close(_ store: any LogStore) async {
        if let opened = store as? any ClosableLogStore { await opened.close() }
    }

    /// Whether other processes may append to the store: then the sequencer must follow them.
    static func isShared(_ store: any LogStore) -> Bool { (store as? any ClosableLogStore)?.isShared ?? false }
}

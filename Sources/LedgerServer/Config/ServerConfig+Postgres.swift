public import Log
public import LogPostgres

extension ServerConfig.Postgres {
    /// The store options for this section, the password taken from `environment["CERTLEDGER_PG_PASSWORD"]` (the
    /// only place a password may come from). A URL the store refuses — another scheme, a password inside it, an
    /// unknown parameter, a schema name that would need quoting — is `invalidConfig` naming `store.postgres.url`
    /// (with the URL part at fault in the reason); a pool size out of range names `store.postgres.poolSize`.
    public func storeOptions(environment: [String: String]) throws(LedgerServerError) -> PostgresStoreOptions {
        do {
            return try PostgresStoreOptions(url: url, environment: environment, poolSize: poolSize)
        } catch {
            let field = error.code == .invalidPoolSize ? "store.postgres.poolSize" : "store.postgres.url"
            throw LedgerServerError(.invalidConfig, field: field, "\(field): \(error.reason) (\(error.code.rawValue), "
                + "URL part \(error.field))")
        }
    }
}

extension ServerConfig {
    /// How the sequencer shares its store: a PostgreSQL ledger may have other daemons appending, so lost races are
    /// retried (always on) and an idle daemon follows the others every `store.postgres.followIntervalMilliseconds`.
    /// SQLite has a single writer: nothing to follow.
    public var sequencerSharing: SequencerSharing {
        SequencerSharing(followInterval: store.postgres?.followInterval)
    }
}

public import Log
public import Logging
import PostgresNIO

/// The shared `LogStore` (DESIGN.md §6): one ledger in one PostgreSQL schema, appended to by any number of
/// daemons, each with its own `PostgresLogStore`; the database serializes them.
///
/// Durability: every append is one transaction, committed with `synchronous_commit` at least `on` (each connection
/// raises a server or role default of `off`) on a server that runs with `fsync` on; the call returns after
/// the commit, so an acknowledged entry survives a crash of the daemon or of the database server.
///
/// Sequencing: an append is one statement that updates the schema's single `log` row only where the stored size
/// equals the batch's first index (a compare-and-swap under the row lock) and writes entries, tiles and checkpoint
/// only if that swap happened; otherwise it throws `LogStoreError.conflict` and has written nothing. Two daemons
/// appending at the same size therefore get one success and one conflict, never a gap,
/// a duplicate index or two checkpoints for one size; the loser's `Sequencer` resynchronizes from the store.
///
/// Connections: a pool of `options.poolSize`, opened on demand (`PostgresConnectionPool`).
public final class PostgresLogStore: LogStore {
    /// Where the store lives (printable: holds no password).
    public let options: PostgresStoreOptions
    /// The ledger this schema holds, as recorded at creation and checked at open.
    public let origin: String

    let schema: PostgresSchema
    let pool: PostgresConnectionPool
    let logger: Logger

    private init(options: PostgresStoreOptions, origin: String, pool: PostgresConnectionPool, logger: Logger) {
        self.options = options
        self.origin = origin
        self.schema = PostgresSchema(name: options.schema)
        self.pool = pool
        self.logger = logger
    }

    /// Creates the ledger's schema (tables and the `log` row naming `origin`) in one transaction; throws
    /// `.conflict` if the schema already exists — whatever it holds — and `.unavailable` if the server cannot be
    /// reached or refuses (naming host, port and the reason).
    ///
    /// Creation is its own call so that a typo'd schema or database given to `open` can never conjure an empty
    /// ledger (STYLE.md: creating a ledger is an explicit act).
    public static func create(options: PostgresStoreOptions, origin: String,
                              logger: Logger = Logger(label: "certledger.postgres")) async throws -> PostgresLogStore {
        let store = try await connect(options: options, origin: origin, logger: logger)
        do {
            try await store.installSchema()
            return store
        } catch {
            await store.close()
            throw error
        }
    }

    /// Opens an existing ledger schema. Refuses, before anything is written: a server it cannot reach or that runs
    /// with `fsync` off (`.unavailable`), a missing schema (`.unavailable`, pointing at creation), a schema that
    /// is not a CertLedger log or of another layout version (`.corrupt`), a schema holding another ledger than
    /// `origin` (`.conflict`; pass nil to accept any and read `origin`), and stored sizes that disagree (`.corrupt`).
    public static func open(options: PostgresStoreOptions, origin: String?,
                            logger: Logger = Logger(label: "certledger.postgres")) async throws -> PostgresLogStore {
        let probe = try await connect(options: options, origin: origin ?? "", logger: logger)
        let stored: String
        do {
            stored = try await probe.verifySchema(expectedOrigin: origin)
        } catch {
            await probe.close()
            throw error
        }
        guard origin == nil else { return probe }
        return PostgresLogStore(options: options, origin: stored, pool: probe.pool, logger: logger)
    }

    /// Closes every connection (leased ones when their call finishes); later calls throw `.unavailable`.
    public func close() async {
        await pool.close()
    }

    /// The server settings that decide durability, read on a pooled connection (after the store's own `SET`s).
    public func settings() async throws -> Settings {
        try await run("reading the durability settings") { connection in
            let rows = try await connection.query(
                """
                SELECT current_setting('synchronous_commit'), current_setting('fsync'),
                       current_setting('server_version')
                """,
                logger: self.logger)
            for try await (commit, fsync, version) in rows.decode((String, String, String).self) {
                return Settings(synchronousCommit: commit, fsync: fsync == "on", serverVersion: version)
            }
            throw LogStoreError(.unavailable, "the server returned no settings")
        }
    }

    /// What `settings()` reports.
    public struct Settings: Sendable, Equatable {
        /// `on`, `remote_apply`, `remote_write` or `local` for every connection of this store; never `off`.
        public let synchronousCommit: String
        /// The server's `fsync`; a store never opens on a server where it is off.
        public let fsync: Bool
        public let serverVersion: String
    }

    // MARK: Connections

    /// A store object with a pool, before any schema check.
    static func connect(options: PostgresStoreOptions, origin: String, logger: Logger) async throws
        -> PostgresLogStore
    {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch options.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try clientTLSContext.get())
            case .require: tls = .require(try clientTLSContext.get())
            }
        } catch {
            throw LogStoreError(.unavailable, "cannot set up TLS for PostgreSQL at \(options.endpoint): \(error)")
        }
        let pool = PostgresConnectionPool(size: options.poolSize) { number in
            try await PostgresSession.open(options: options, tls: tls, number: number, logger: logger)
        }
        let store = PostgresLogStore(options: options, origin: origin, pool: pool, logger: logger)
        // Reach the server now: an unreachable database or a non-durable server is an error at open, not at the
        // first append.
        do {
            try await pool.withConnection { _ in }
        } catch {
            await pool.close()
            throw error
        }
        return store
    }

    /// Runs `body` on a pooled connection; anything it throws becomes a `LogStoreError` saying what was being done.
    func run<T: Sendable>(_ doing: @autoclosure () -> String,
                          _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await pool.withConnection(body)
        } catch {
            throw PostgresFailure.map(error, doing: doing(), options: options)
        }
    }
}

/// The TLS client context (system trust roots, full verification), made once per process: loading the trust
/// roots is the slow part, and every store and connection can share one immutable context.
private let clientTLSContext = Result { try NIOSSLContext(configuration: .makeClientConfiguration()) }

public import Log

/// The daemon's configuration (`Config/certledgerd.yaml`, DESIGN.md §5 and §7), decoded from YAML.
///
/// Every field has a default chosen to be safe when the key is left out: the daemon listens on loopback only,
/// bounds every queue and body, and serves nothing it could not prove. Unknown keys are an error naming the key,
/// so a typo never leaves a default silently in force. Relative paths are resolved against `data`.
public struct ServerConfig: Sendable, Equatable, Decodable {
    /// Where the HTTP server listens.
    public var listen: Listen
    /// The data folder holding the store and the ledger's keys. Default `./ledger`: a relative folder, so a
    /// forgotten setting never writes into a system location; production units set an absolute path.
    public var data: String
    /// The log store.
    public var store: Store
    /// The ledger's private keys.
    public var keys: Keys
    /// Who the log is.
    public var log: LogSettings
    /// How the sequencer batches (DESIGN.md §6).
    public var sequencer: Batching
    /// HTTP limits.
    public var http: HTTPLimits
    /// Who may use look-ups and verification. Default `public`: a transparency log is meant to be read by anyone
    /// (DESIGN.md §1: "an auditor reads everything"); `departments` answers only requests signed by a registered
    /// department (`ReadSignature`). The checkpoint, tiles, entries and proofs stay public either way.
    public var readAccess: ReadAccess
    /// The whole-store verification the daemon runs in the background after it starts.
    public var verification: Verification
    /// TLS for the daemon's own listener. Default none (plain HTTP on loopback).
    public var tls: TLS?
    /// The witnesses that cosign checkpoints (`ServerConfig+Witnesses.swift`). Default none.
    public var witnesses: Witnesses?

    /// The configuration with every default.
    public init() {
        listen = Listen()
        data = "./ledger"
        store = Store()
        keys = Keys()
        log = LogSettings()
        sequencer = Batching()
        http = HTTPLimits()
        readAccess = .public
        verification = Verification()
        tls = nil
        witnesses = nil
    }

    /// The daemon serves HTTPS itself: a PEM certificate chain and its private key (mode 0600), read at start and
    /// again on SIGHUP (a renewed certificate needs no restart; a bad one is refused and the old one kept). Relative
    /// paths are resolved against `data`. The verification page's WebCrypto needs a secure context, which this
    /// gives without a reverse proxy.
    public struct TLS: Sendable, Equatable, Decodable {
        /// The certificate chain, the server's certificate first. Required.
        public var certificate: String
        /// The private key. Required.
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    /// Start fast, then verify everything: the start-up check proves the head (the last checkpoint against the
    /// stored tiles and the record of what was published) and replays the Registry, but not every entry's place in
    /// the chain, every tile and every older checkpoint. Right after start the daemon runs the audit's own checks
    /// over the whole store in the background; on damage it refuses submissions (503), turns `/healthz` red with
    /// the index and the reason, and sets `certledger_integrity_failed 1` in `/metrics`.
    public struct Verification: Sendable, Equatable, Decodable {
        /// Run the background verification. Default true; turn it off only where the nightly audit runs instead.
        public var background = true
        /// The share of the time it works, in percent (1...100): it pauses between chunks so that live traffic
        /// keeps most of the machine. Default 50: a million entries take about twice a plain audit's time.
        public var workPercent = 50
        /// Every default.
        public init() {}
    }

    /// The listening socket.
    public struct Listen: Sendable, Equatable, Decodable {
        /// Default `127.0.0.1`: reachable from this machine only until an operator decides otherwise (usually
        /// behind a reverse proxy that terminates TLS).
        public var host = "127.0.0.1"
        /// Default 8080: unprivileged, so the daemon never needs root. 0 picks a free port (tests).
        public var port = 8080
        /// Every default.
        public init() {}
    }

    /// The log store (DESIGN.md §6): the embedded SQLite file (default), or a PostgreSQL schema shared by several
    /// daemons when `postgres` is set. Naming both in one file is an error: which one a daemon serves must never
    /// depend on a precedence rule.
    public struct Store: Sendable, Equatable, Decodable {
        /// The SQLite file. Default `log.sqlite` inside `data`. The daemon opens it and never creates it
        /// (except a `--dev` ledger): a typo'd path is an error, not a new empty ledger. Unused when `postgres`
        /// is set.
        public var sqlite = "log.sqlite"
        /// The shared PostgreSQL store. Default none (SQLite).
        public var postgres: Postgres?
        /// The file in which the daemon keeps the newest checkpoint it has published (`CheckpointRecord`), written
        /// durably before any submitter is answered. Default `published-checkpoint` inside `data`, beside the keys:
        /// apart from the store, so that a store that lost acknowledged entries (a damaged WAL, a restored backup, a
        /// wiped table) is refused at start, naming both sizes, instead of giving their indices to new entries.
        /// With PostgreSQL each daemon records its own appends (daemons sharing a data folder share the file).
        /// Created on the first start; delete it only for a ledger you mean to roll back.
        public var publishedCheckpoint = "published-checkpoint"
        /// The SQLite file of the status map (DESIGN.md §3), apart from the log's: its nodes with history, so that
        /// map proofs can be given at every checkpointed size. Default `status-map.sqlite` inside `data`. The map is
        /// a function of the log: a missing file is created and filled from the log at start, one behind the log
        /// catches up, and one that contradicts the log is refused. Unused with `postgres` (the map is then kept in
        /// memory, rebuilt from the log at start, and proven at the newest size only).
        public var statusMap = "status-map.sqlite"
        /// The file of the registry snapshot (SQLite only): the Registry's state at the end of a batch, so that a
        /// start replays only the entries after it instead of the whole log. Default `registry-snapshot` inside
        /// `data`. Checked at start against the log (its size, the `map.root` entry there, the genesis) and its own
        /// SHA-256; a damaged, foreign or newer-than-the-log file is ignored with a warning and the whole log is
        /// replayed. Deleting it is always safe.
        public var registrySnapshot = "registry-snapshot"
        /// Write a new registry snapshot once this many entries were added since the last one (checked every few
        /// seconds, written in the background after the batch is durable). Default 100,000: at a few seconds of
        /// encoding per million entries, a start replays at most that many. 0 turns snapshots off (none written,
        /// none read). Allowed 0...1,000,000,000; a small value writes one after nearly every batch (tests).
        public var snapshotEveryEntries = 100_000
        /// Every default.
        public init() {}

        /// The YAML key path of the store in use, for errors about it.
        public var field: String { postgres == nil ? "store.sqlite" : "store.postgres" }
    }

    /// A ledger in one PostgreSQL schema, shared by any number of daemons (`LogPostgres`). The daemon opens the
    /// schema and never creates it: `certledger init --store postgres://…` does.
    public struct Postgres: Sendable, Equatable, Decodable {
        /// `postgres://USER@HOST[:PORT][/DATABASE][?schema=NAME&sslmode=MODE&connect_timeout=SECONDS]`. Required.
        /// No password: it comes from the environment variable `CERTLEDGER_PG_PASSWORD` only, so this file can be
        /// committed and logged. Default `sslmode` is `prefer` (TLS verified when the server offers it).
        public var url: String
        /// Connections this daemon keeps open at most. Default 4: one append in flight plus reads overlapping it.
        /// Every daemon brings its own pool: `daemons × poolSize` must stay below the server's `max_connections`.
        public var poolSize = 4
        /// How often an idle daemon asks the store whether other daemons appended, so that its reads (checkpoint,
        /// tiles, look-ups, verify) follow theirs. Default 200 ms: a cheap one-row read, and a reader elsewhere
        /// sees a peer's entry here at most that much later. 0 turns following off (only for a daemon that is the
        /// sole writer: otherwise its look-ups lag until its own next append).
        public var followIntervalMilliseconds = 200
        /// Serve reads only: for a daemon on a PostgreSQL streaming replica (hot standby), which the server lets
        /// nobody write. It follows the replica as the primary's entries arrive (`followIntervalMilliseconds`) and
        /// serves the checkpoint, tiles, entries, proofs, look-ups and `POST /v1/verify` from it — every answer
        /// carries its proofs and the ledger's signed checkpoint, so a replica needs no more trust than the primary.
        /// Submissions get 503 `read_only` naming this. Default false.
        public var readOnly = false

        /// A store at `url` with the other defaults.
        public init(url: String) {
            self.url = url
        }

        /// How often to follow, nil when off.
        public var followInterval: Duration? {
            followIntervalMilliseconds == 0 ? nil : .milliseconds(followIntervalMilliseconds)
        }
    }

    /// Key files. Private keys are read once at start; the files should be mode 0600 and owned by the daemon.
    public struct Keys: Sendable, Equatable, Decodable {
        /// The checkpoint signer key (a C2SP note signer key, `PRIVATE+KEY+<name>+<id>+<b64>`): it signs
        /// checkpoints and nothing else (DESIGN.md §5). Default `checkpoint.skey` inside `data`.
        public var checkpoint = "checkpoint.skey"
        /// The receipt key (PKCS#8 PEM, Ed25519): signs the verifier's answers (`POST /v1/verify`) and nothing
        /// else; its public half is named in the genesis, and the daemon refuses to start if they differ.
        /// Default `receipt.key` inside `data`.
        public var receipt = "receipt.key"
        /// Every default.
        public init() {}
    }

    /// The log's identity, checked against the store's metadata at every start (`LogIdentity.check`).
    public struct LogSettings: Sendable, Equatable, Decodable {
        /// The expected origin (checkpoint first line and key name). Default: none, the checkpoint key's name is
        /// taken; set it so that a key from another ledger is refused at start instead of served.
        public var origin: String?
        /// The hash suite: `sha256` (default) or `sm3` (DESIGN.md §3). Must match the store's.
        public var hash = "sha256"
        /// Every default.
        public init() {}
    }

    /// Batching and back-pressure of the sequencer; `SequencerConfig` documents why each default is safe.
    public struct Batching: Sendable, Equatable, Decodable {
        /// Most entries per batch (one transaction, one fsync, one checkpoint). Default 256: one tile.
        public var maxBatchEntries = 256
        /// How long the oldest waiting submission may wait for its batch to fill. Default 2 ms.
        public var maxBatchDelayMilliseconds = 2
        /// Entries that may wait; beyond it requests get 503 + Retry-After. Default 8,192: never unbounded.
        public var queueLimit = 8_192
        /// Entries one department may have waiting; beyond it that department's requests get 429 + Retry-After
        /// while the others' still get through. Default 2,048: a quarter of the queue, so no single department
        /// (a stuck retry loop, a bulk import) can crowd out the rest.
        public var departmentQueueLimit = 2_048
        /// Most entries in one atomic bundle. Default 64.
        public var maxGroupEntries = 64
        /// Seconds a client is told to wait (Retry-After) when the queue is full. Default 1.
        public var retryAfterSeconds = 1
        /// Every default.
        public init() {}

        /// The log's own settings type.
        public var sequencerConfig: SequencerConfig {
            var config = SequencerConfig()
            config.maxBatchEntries = maxBatchEntries
            config.maxBatchDelay = .milliseconds(maxBatchDelayMilliseconds)
            config.queueLimit = queueLimit
            config.maxGroupEntries = maxGroupEntries
            config.retryAfterSeconds = retryAfterSeconds
            return config
        }
    }

    /// Limits that keep one client from holding the server's memory or tasks.
    public struct HTTPLimits: Sendable, Equatable, Decodable {
        /// Largest request body accepted; larger declared ones get 413 before the body is read, chunked ones as soon
        /// as they pass it. Default 1 MiB: a bundle of 64 entries of at most 64 KiB each would not fit, but real
        /// submissions are a few KiB.
        public var bodyLimitBytes = 1 << 20
        /// Longest a request may take; then 503 with Retry-After, or 408 when its body had not arrived yet.
        /// Default 10 s: far above any read (a few tile reads) and a batch's fsync, short enough that stuck requests
        /// do not pile up.
        public var requestTimeoutSeconds = 10
        /// Most lines (submissions) in one `POST /v1/submissions/bulk`; more is 413 before any line is checked. The
        /// body is bound by `bodyLimitBytes` too: 1,000 links (≈ 600 bytes each) fit the default 1 MiB, 1,000
        /// license issues (≈ 1.1 KiB) do not — send fewer per request (`certledger submit` splits a request answered
        /// 413) or raise `bodyLimitBytes`. Default 1,000: four batches of the default size, checked well within the
        /// request timeout.
        public var bulkMaxLines = 1_000
        /// A keep-alive connection with no request for this long is closed. Default 60 s.
        public var idleTimeoutSeconds = 60
        /// Most connections held open at once; beyond it new clients wait in the listen backlog (and a log line
        /// says the cap was reached). Default (absent): the open-file limit less 128 descriptors, so that accepting
        /// never exhausts the descriptors the store needs.
        public var maxConnections: Int?
        /// Every default.
        public init() {}
    }

    /// Who may read.
    public enum ReadAccess: String, Sendable, Equatable, Decodable, CaseIterable {
        /// Anyone may read entries, tiles, proofs and checkpoints.
        case `public`
        /// Only requests signed by a registered department's current key (`ReadSignature`).
        case departments
    }
}

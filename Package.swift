// swift-tools-version:6.1
// CertLedger — a tamper-evident ledger of e-business licenses and e-seals.
// Layers (DESIGN.md §2), dependencies pointing down only:
//   certledgerd / certledger → LedgerServer → Registry → Log → SignedNote → LedgerCrypto → COpenSSL
//   certledger → WitnessServer → Witness → Log, LogSQLite, SignedNote (the C2SP tlog-witness, DESIGN.md §9)
//   CanonicalJSON is pure and shared. Only LedgerCrypto imports COpenSSL.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "CertLedger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "certledger", targets: ["certledger"]),
        .executable(name: "certledger-bench", targets: ["CertLedgerBench"]),
        .executable(name: "certledgerd", targets: ["certledgerd"]),
        .library(name: "LedgerCrypto", targets: ["LedgerCrypto"]),
        .library(name: "CanonicalJSON", targets: ["CanonicalJSON"]),
        .library(name: "SignedNote", targets: ["SignedNote"]),
        .library(name: "Log", targets: ["Log"]),
        .library(name: "LogSQLite", targets: ["LogSQLite"]),
        .library(name: "LogPostgres", targets: ["LogPostgres"]),
        .library(name: "Registry", targets: ["Registry"]),
        .library(name: "LedgerServer", targets: ["LedgerServer"]),
        .library(name: "LedgerClient", targets: ["LedgerClient"]),
        .library(name: "LedgerAudit", targets: ["LedgerAudit"]),
        .library(name: "Witness", targets: ["Witness"]),
        .library(name: "WitnessServer", targets: ["WitnessServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries: the machine's own OpenSSL 3 and SQLite 3 (Scripts/install-deps for other hosts).
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),

        // Digests, keys, signatures: the only door to OpenSSL.
        .target(name: "LedgerCrypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        // RFC 8785 canonical JSON: pure value code.
        .target(name: "CanonicalJSON", swiftSettings: strict),
        // C2SP signed-note, tlog-checkpoint and tlog-proof codecs.
        .target(name: "SignedNote", dependencies: ["LedgerCrypto"], swiftSettings: strict),
        // The generic transparency log: Merkle tree, tiles, proofs, store, sequencer. Knows nothing of licenses.
        .target(
            name: "Log",
            dependencies: [
                "LedgerCrypto", "SignedNote",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // The embedded default store: system libsqlite3, WAL, synchronous=FULL.
        .target(name: "LogSQLite", dependencies: ["Log", "CSQLite"], swiftSettings: strict),
        // Deterministic mutation fuzzing for the network-facing parsers: for tests only, never shipped.
        .target(name: "FuzzSupport", swiftSettings: strict),
        // The shared store (DESIGN.md §6): several daemons, one ledger; PostgreSQL through postgres-nio, whose own
        // TLS stack (swift-nio-ssl, swift-crypto) serves its connections only.
        .target(
            name: "LogPostgres",
            dependencies: [
                "Log",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A throw-away PostgreSQL cluster (initdb + pg_ctl on 127.0.0.1) or an external server: tests only.
        .target(name: "PostgresTestSupport", swiftSettings: strict),
        // The package's executables as child processes of a test (pipes read by their own threads): tests only.
        .target(name: "ChildProcessSupport", swiftSettings: strict),
        // The store contract suite and an in-memory store with fault hooks: for tests only, never shipped.
        .target(
            name: "LogStoreContract",
            dependencies: ["Log", "LedgerCrypto", "FuzzSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // The personality: licenses, seals, links, departments, roles, the state machine and the verifier logic.
        .target(
            name: "Registry",
            dependencies: ["Log", "LedgerCrypto", "SignedNote", "CanonicalJSON",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // The whole-ledger audit (log layer and Registry, with its scratch spill): the CLI's `audit` and `migrate` and
        // the daemon's background verification run this one implementation.
        .target(name: "LedgerAudit", dependencies: ["Log", "Registry", "LogSQLite"], swiftSettings: strict),
        // Stores by address (sqlite:PATH, postgres://…), a remote ledger's tiles as a read-only store, and the
        // checked copy of a ledger with its proof: what both executables use.
        .target(
            name: "LedgerStores",
            dependencies: [
                "Log", "LogSQLite", "LogPostgres", "LedgerAudit", "LedgerClient", "LedgerCrypto", "SignedNote",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The HTTP API (DESIGN.md §5): C2SP tiles, the log's read API, health and metrics. Hummingbird 2.
        .target(
            name: "LedgerServer",
            dependencies: [
                "Log", "LogSQLite", "LogPostgres", "SignedNote", "LedgerCrypto", "Registry", "CanonicalJSON",
                "LedgerAudit", "LedgerClient", "LedgerStores",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // A C2SP tlog-witness (DESIGN.md §9): the pure add-checkpoint decision, its durable state in its own SQLite
        // file, fork evidence and the witness key. Knows logs and checkpoints, nothing of licenses.
        .target(
            name: "Witness",
            dependencies: [
                "SignedNote", "Log", "LedgerCrypto", "LogSQLite", "CSQLite",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The witness's HTTP face (C2SP tlog-witness `POST /add-checkpoint`, `/metrics`): Hummingbird 2.
        .target(
            name: "WitnessServer",
            dependencies: [
                "Witness",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The HTTP client of the CLI, the load benchmarks and the live tests: AsyncHTTPClient, with swift-nio-ssl's
        // TLS for https:// daemons (connections only; ledger digests and signatures stay OpenSSL's).
        .target(
            name: "LedgerClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // The daemon (DESIGN.md §7): config, dev ledger, sequencer and HTTP server in one ServiceGroup.
        .executableTarget(
            name: "certledgerd",
            dependencies: [
                "LedgerServer", "Witness", "WitnessServer", "SignedNote",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "certledger",
            dependencies: [
                "LedgerCrypto", "Log", "LogSQLite", "LogPostgres", "SignedNote", "Registry", "CanonicalJSON",
                "LedgerClient", "LedgerAudit", "LedgerStores", "Witness", "WitnessServer", "LedgerServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "CertLedgerBench",
            dependencies: [
                "LedgerCrypto", "Log", "LogSQLite", "SignedNote", "Registry", "CanonicalJSON", "LedgerClient",
                "LedgerServer", "LogPostgres", "LedgerAudit", "FuzzSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        .testTarget(name: "LedgerCryptoTests", dependencies: ["LedgerCrypto"], swiftSettings: strict),
        .testTarget(name: "CanonicalJSONTests", dependencies: ["CanonicalJSON", "FuzzSupport"], swiftSettings: strict),
        .testTarget(name: "SignedNoteTests", dependencies: ["SignedNote", "LedgerCrypto", "FuzzSupport"], swiftSettings: strict),
        .testTarget(name: "LogTests", dependencies: ["Log", "LedgerCrypto", "SignedNote", "LogStoreContract"], swiftSettings: strict),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "Log", "LedgerCrypto", "CanonicalJSON", "SignedNote", "LogStoreContract", "FuzzSupport", "ChildProcessSupport"], swiftSettings: strict),
        .testTarget(
            name: "LedgerServerTests",
            dependencies: [
                "LedgerServer", "LedgerClient", "Log", "LogSQLite", "SignedNote", "LedgerCrypto", "Registry",
                "CanonicalJSON", "LogPostgres", "PostgresTestSupport", "LogStoreContract", "CSQLite",
                "Witness", "WitnessServer", "ChildProcessSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LogPostgresTests",
            dependencies: [
                "LogPostgres", "PostgresTestSupport", "Log", "LogStoreContract", "SignedNote", "LedgerCrypto",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        // The `certledger` commands called as types (and the built binary) against real SQLite and PostgreSQL.
        .testTarget(
            name: "CertLedgerCLITests",
            dependencies: [
                "certledger", "LogSQLite", "LogPostgres", "PostgresTestSupport", "Log", "Registry", "SignedNote",
                "LedgerCrypto", "CSQLite", "ChildProcessSupport", "LedgerStores", "LedgerAudit",
            ],
            swiftSettings: strict
        ),
        // The witness: pure decisions, durable state, forks with a stolen log key, SIGKILL, Python and Go interop.
        .testTarget(
            name: "WitnessTests",
            dependencies: [
                "Witness", "WitnessServer", "certledger", "SignedNote", "Log", "LedgerCrypto", "LedgerClient",
                "LogStoreContract", "ChildProcessSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LogSQLiteTests",
            dependencies: ["LogSQLite", "Log", "LogStoreContract", "SignedNote", "LedgerCrypto", "LedgerClient",
                           "Registry", "CanonicalJSON", "ChildProcessSupport"],
            swiftSettings: strict
        ),
    ]
)

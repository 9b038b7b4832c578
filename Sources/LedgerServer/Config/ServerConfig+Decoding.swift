import Foundation
import LogPostgres
import Yams

/// Strict YAML decoding: unknown keys are rejected with their path, absent keys keep their documented default,
/// and values are range-checked so a nonsensical number stops the daemon at start, not under load.
extension ServerConfig {
    private enum Field: String, CodingKey, CaseIterable {
        case listen, data, store, keys, log, sequencer, http, readAccess, verification, tls, witnesses
    }

    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        self.init()
        listen = try c.value(.listen, default: listen)
        data = try c.value(.data, default: data)
        store = try c.value(.store, default: store)
        keys = try c.value(.keys, default: keys)
        log = try c.value(.log, default: log)
        sequencer = try c.value(.sequencer, default: sequencer)
        http = try c.value(.http, default: http)
        readAccess = try c.value(.readAccess, default: readAccess)
        verification = try c.value(.verification, default: verification)
        tls = try c.decodeIfPresent(ServerConfig.TLS.self, forKey: .tls)
        witnesses = try c.decodeIfPresent(ServerConfig.Witnesses.self, forKey: .witnesses)
    }

    /// Decodes a configuration from YAML text; `LedgerServerError.invalidConfig` names the key at fault.
    public init(yaml: String) throws {
        do {
            // An empty document (or one of comments only) is a configuration with every default.
            guard try Yams.load(yaml: yaml) != nil else {
                self.init()
                return
            }
            self = try YAMLDecoder().decode(ServerConfig.self, from: yaml)
        } catch {
            throw Self.configError(error)
        }
        try validate()
    }

    /// The configuration error for whatever the YAML decoder threw: our own errors come back wrapped as the
    /// decoder's `underlyingError`, so they are unwrapped to keep the key's name.
    private static func configError(_ error: any Error) -> LedgerServerError {
        switch error {
        case let error as LedgerServerError:
            return error
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return LedgerServerError(.invalidConfig, field: path, "\"\(path)\" must be a \(type)")
        case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context):
            if let underlying = context.underlyingError, !(underlying is DecodingError) {
                return configError(underlying)
            }
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return LedgerServerError(.invalidConfig, field: path.isEmpty ? nil : path,
                                     "\(path.isEmpty ? "" : path + ": ")\(context.debugDescription)")
        default:
            return LedgerServerError(.invalidConfig, "not a valid configuration: \(error)")
        }
    }

    /// Reads and decodes the configuration file at `path`.
    public static func load(path: String) throws -> ServerConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LedgerServerError(.fileUnreadable, field: path, "cannot read the configuration file \(path)")
        }
        return try ServerConfig(yaml: text)
    }

    /// Range checks, each naming its key and the allowed range.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ value: Int, _ range: String) throws {
            guard ok else {
                throw LedgerServerError(.invalidConfig, field: field, "\(field) is \(value); allowed: \(range)")
            }
        }
        try check((0...65_535).contains(listen.port), "listen.port", listen.port, "0...65535")
        try check((1...65_536).contains(sequencer.maxBatchEntries), "sequencer.maxBatchEntries",
                  sequencer.maxBatchEntries, "1...65536")
        try check((0...10_000).contains(sequencer.maxBatchDelayMilliseconds), "sequencer.maxBatchDelayMilliseconds",
                  sequencer.maxBatchDelayMilliseconds, "0...10000")
        try check(sequencer.queueLimit >= sequencer.maxGroupEntries, "sequencer.queueLimit", sequencer.queueLimit,
                  "at least sequencer.maxGroupEntries (\(sequencer.maxGroupEntries))")
        try check(sequencer.departmentQueueLimit >= sequencer.maxGroupEntries, "sequencer.departmentQueueLimit",
                  sequencer.departmentQueueLimit,
                  "at least sequencer.maxGroupEntries (\(sequencer.maxGroupEntries)), so a full bundle fits")
        try check((1...4_096).contains(sequencer.maxGroupEntries), "sequencer.maxGroupEntries",
                  sequencer.maxGroupEntries, "1...4096")
        try check((1...3_600).contains(sequencer.retryAfterSeconds), "sequencer.retryAfterSeconds",
                  sequencer.retryAfterSeconds, "1...3600")
        try check((1...(64 << 20)).contains(http.bodyLimitBytes), "http.bodyLimitBytes", http.bodyLimitBytes,
                  "1...67108864")
        try check((1...100_000).contains(http.bulkMaxLines), "http.bulkMaxLines", http.bulkMaxLines, "1...100000")
        try check((1...600).contains(http.requestTimeoutSeconds), "http.requestTimeoutSeconds",
                  http.requestTimeoutSeconds, "1...600")
        try check((1...3_600).contains(http.idleTimeoutSeconds), "http.idleTimeoutSeconds",
                  http.idleTimeoutSeconds, "1...3600")
        if let maxConnections = http.maxConnections {
            try check((1...1_000_000).contains(maxConnections), "http.maxConnections", maxConnections, "1...1000000")
        }
        try check((1...100).contains(verification.workPercent), "verification.workPercent",
                  verification.workPercent, "1...100")
        try check((0...1_000_000_000).contains(store.snapshotEveryEntries), "store.snapshotEveryEntries",
                  store.snapshotEveryEntries, "0...1000000000 (0: no snapshots)")
        guard !store.registrySnapshot.isEmpty else {
            throw LedgerServerError(.invalidConfig, field: "store.registrySnapshot", "store.registrySnapshot is empty")
        }
        guard !listen.host.isEmpty else {
            throw LedgerServerError(.invalidConfig, field: "listen.host", "listen.host is empty")
        }
        guard !data.isEmpty else { throw LedgerServerError(.invalidConfig, field: "data", "data is empty") }
        if let postgres = store.postgres {
            try check((1...PostgresStoreOptions.maxPoolSize).contains(postgres.poolSize), "store.postgres.poolSize",
                      postgres.poolSize, "1...\(PostgresStoreOptions.maxPoolSize)")
            try check((0...60_000).contains(postgres.followIntervalMilliseconds),
                      "store.postgres.followIntervalMilliseconds", postgres.followIntervalMilliseconds,
                      "0...60000 (0: do not follow other daemons)")
            _ = try postgres.storeOptions(environment: [:])
            if postgres.readOnly, postgres.followIntervalMilliseconds == 0 {
                throw LedgerServerError(.invalidConfig, field: "store.postgres.followIntervalMilliseconds",
                    "a readOnly daemon must follow the replica (followIntervalMilliseconds > 0), or it would serve "
                    + "the tree it saw at start forever")
            }
        }
        try witnesses?.validate()
        guard log.hash == "sha256" || log.hash == "sm3" else {
            throw LedgerServerError(.invalidConfig, field: "log.hash",
                                    "log.hash is \"\(log.hash)\"; allowed: sha256, sm3")
        }
    }

    /// `path` resolved against the data folder (absolute paths are kept).
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (data.hasSuffix("/") ? data + path : data + "/" + path)
    }
}

extension ServerConfig.Listen {
    private enum Field: String, CodingKey, CaseIterable { case host, port }
    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        self.init()
        host = try c.value(.host, default: host)
        port = try c.value(.port, default: port)
    }
}

extension ServerConfig.Store {
    private enum Field: String, CodingKey, CaseIterable {
        case sqlite, postgres, publishedCheckpoint, statusMap, registrySnapshot, snapshotEveryEntries
    }
    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults; `sqlite` and
    /// `postgres` together are refused (which store is served must be unambiguous).
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        self.init()
        if c.contains(.sqlite) && c.contains(.postgres) {
            throw LedgerServerError(.invalidConfig, field: "store",
                "store names both sqlite and postgres; a daemon serves one store: keep one of them")
        }
        sqlite = try c.value(.sqlite, default: sqlite)
        postgres = try c.decodeIfPresent(ServerConfig.Postgres.self, forKey: .postgres)
        publishedCheckpoint = try c.value(.publishedCheckpoint, default: publishedCheckpoint)
        statusMap = try c.value(.statusMap, default: statusMap)
        registrySnapshot = try c.value(.registrySnapshot, default: registrySnapshot)
        snapshotEveryEntries = try c.value(.snapshotEveryEntries, default: snapshotEveryEntries)
    }
}

extension ServerConfig.Postgres {
    private enum Field: String, CodingKey, CaseIterable { case url, poolSize, followIntervalMilliseconds, readOnly }
    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults; `url` is required.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        guard let url = try c.decodeIfPresent(String.self, forKey: .url) else {
            throw LedgerServerError(.invalidConfig, field: "store.postgres.url",
                "store.postgres needs a url (postgres://USER@HOST:PORT/DATABASE?schema=NAME)")
        }
        self.init(url: url)
        poolSize = try c.value(.poolSize, default: poolSize)
        followIntervalMilliseconds = try c.value(.followIntervalMilliseconds, default: followIntervalMilliseconds)
        readOnly = try c.value(.readOnly, default: readOnly)
    }
}

extension ServerConfig.Keys {
    private enum Field: String, CodingKey, CaseIterable { case checkpoint, receipt }
    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        self.init()
        checkpoint = try c.value(.checkpoint, default: checkpoint)
        receipt = try c.value(.receipt, default: receipt)
    }
}

extension ServerConfig.LogSettings {
    private enum Field: String, CodingKey, CaseIterable { case origin, hash }
    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        self.init()
        origin = try c.decodeIfPresent(String.self, forKey: .origin)
        hash = try c.value(.hash, default: hash)
    }
}

extension ServerConfig.Batching {
    private enum Field: String, CodingKey, CaseIterable {
        case maxBatchEntries, maxBatchDelayMilliseconds, queueLimit, departmentQueueLimit, maxGroupEntries
        case retryAfterSeconds
    }
    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        self.init()
        maxBatchEntries = try c.value(.maxBatchEntries, default: maxBatchEntries)
        maxBatchDelayMilliseconds = try c.value(.maxBatchDelayMilliseconds, default: maxBatchDelayMilliseconds)
        queueLimit = try c.value(.queueLimit, default: queueLimit)
        departmentQueueLimit = try c.value(.departmentQueueLimit, default: departmentQueueLimit)
        maxGroupEntries = try c.value(.maxGroupEntries, default: maxGroupEntries)
        retryAfterSeconds = try c.value(.retryAfterSeconds, default: retryAfterSeconds)
    }
}

extension ServerConfig.HTTPLimits {
    private enum Field: String, CodingKey, CaseIterable {
        case bodyLimitBytes, bulkMaxLines, requestTimeoutSeconds, idleTimeoutSeconds, maxConnections
    }
    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        self.init()
        bodyLimitBytes = try c.value(.bodyLimitBytes, default: bodyLimitBytes)
        bulkMaxLines = try c.value(.bulkMaxLines, default: bulkMaxLines)
        requestTimeoutSeconds = try c.value(.requestTimeoutSeconds, default: requestTimeoutSeconds)
        idleTimeoutSeconds = try c.value(.idleTimeoutSeconds, default: idleTimeoutSeconds)
        maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections)
    }
}

extension ServerConfig.Verification {
    private enum Field: String, CodingKey, CaseIterable { case background, workPercent }
    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        self.init()
        background = try c.value(.background, default: background)
        workPercent = try c.value(.workPercent, default: workPercent)
    }
}

extension ServerConfig.TLS {
    private enum Field: String, CodingKey, CaseIterable { case certificate, key }
    /// Strict decoding: unknown keys rejected with their path; both files are required.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        guard let certificate = try c.decodeIfPresent(String.self, forKey: .certificate), !certificate.isEmpty else {
            throw LedgerServerError(.invalidConfig, field: "tls.certificate",
                                    "tls needs certificate (a PEM certificate chain) and key (its private key)")
        }
        guard let key = try c.decodeIfPresent(String.self, forKey: .key), !key.isEmpty else {
            throw LedgerServerError(.invalidConfig, field: "tls.key",
                                    "tls needs certificate (a PEM certificate chain) and key (its private key)")
        }
        self.init(certificate: certificate, key: key)
    }
}

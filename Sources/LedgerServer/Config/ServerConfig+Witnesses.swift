public import SignedNote

extension ServerConfig {
    /// The witnesses the daemon asks to cosign its checkpoints (DESIGN.md §9, C2SP tlog-witness). Default none: the
    /// daemon serves checkpoints with its own signature only. With witnesses, `/checkpoint` and the inclusion-proof
    /// route serve the newest checkpoint carrying at least `quorum` cosignatures; submissions are still acknowledged
    /// right after their fsync.
    public struct Witnesses: Sendable, Equatable, Decodable {
        /// The witnesses, each with its URL and cosignature verifier key. Required, at least one.
        public var members: [Member]
        /// How many of them must cosign a checkpoint before it is served. Default 1; at most the number of members.
        public var quorum = 1
        /// Checkpoints are sent at most this often. Default 1,000 ms: a few requests per second per witness at
        /// most, whatever the ingest rate.
        public var intervalMilliseconds = 1_000
        /// While the log does not grow, the same checkpoint is sent again at least this often, so that served
        /// cosignatures are never older than this. Default 60 s (checkers refuse answers older than 10 minutes).
        public var refreshSeconds = 60
        /// `/healthz` turns `degraded` when the newest witnessed checkpoint is older than this. Default 300 s.
        public var maxAgeSeconds = 300
        /// How long one request to a witness may take. Default 10 s.
        public var timeoutSeconds = 10
        /// The file holding the newest witnessed checkpoint (`CheckpointRecord`, with its cosignatures), written
        /// durably when a quorum cosigned. Default `witnessed-checkpoint` inside `data`. At start the store must
        /// extend it: a restore from a backup older than what the witnesses cosigned is refused, naming the
        /// witnessed size. Keep it (or a copy) outside the store's backups.
        public var witnessedCheckpoint = "witnessed-checkpoint"
        /// A word about these witnesses that `/healthz` carries as `witnessNote`: set for the demo witnesses of
        /// `certledgerd --dev --dev-witnesses`, which share the operator's trust domain. Not a configuration key.
        public var note: String?

        public init(members: [Member]) {
            self.members = members
        }
    }

    /// One witness.
    public struct WitnessMember: Sendable, Equatable, Decodable {
        /// The base URL of its tlog-witness API (`POST <url>/add-checkpoint`). Required.
        public var url: String
        /// Its cosignature verifier key, `name+hexid+base64(0x04 ‖ key)` (what `certledger witness init` prints).
        /// Required.
        public var verifierKey: String

        public init(url: String, verifierKey: String) {
            self.url = url
            self.verifierKey = verifierKey
        }
    }
}

extension ServerConfig.Witnesses {
    public typealias Member = ServerConfig.WitnessMember

    private enum Field: String, CodingKey, CaseIterable {
        case members, quorum, intervalMilliseconds, refreshSeconds, maxAgeSeconds, timeoutSeconds, witnessedCheckpoint
    }

    /// Strict decoding: unknown keys rejected with their path, absent keys keep their defaults; `members` required.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        guard let members = try c.decodeIfPresent([Member].self, forKey: .members), !members.isEmpty else {
            throw LedgerServerError(.invalidConfig, field: "witnesses.members",
                                    "witnesses needs members: at least one {url, verifierKey}")
        }
        self.init(members: members)
        quorum = try c.value(.quorum, default: quorum)
        intervalMilliseconds = try c.value(.intervalMilliseconds, default: intervalMilliseconds)
        refreshSeconds = try c.value(.refreshSeconds, default: refreshSeconds)
        maxAgeSeconds = try c.value(.maxAgeSeconds, default: maxAgeSeconds)
        timeoutSeconds = try c.value(.timeoutSeconds, default: timeoutSeconds)
        witnessedCheckpoint = try c.value(.witnessedCheckpoint, default: witnessedCheckpoint)
    }

    /// Range checks and the keys parsed, each error naming its key.
    func validate() throws {
        func check(_ ok: Bool, _ field: String, _ value: Int, _ range: String) throws {
            guard ok else {
                throw LedgerServerError(.invalidConfig, field: "witnesses.\(field)",
                                        "witnesses.\(field) is \(value); allowed: \(range)")
            }
        }
        try check((1...members.count).contains(quorum), "quorum", quorum, "1...\(members.count) (the members)")
        try check((10...3_600_000).contains(intervalMilliseconds), "intervalMilliseconds", intervalMilliseconds,
                  "10...3600000")
        try check((1...86_400).contains(refreshSeconds), "refreshSeconds", refreshSeconds, "1...86400")
        try check((1...604_800).contains(maxAgeSeconds), "maxAgeSeconds", maxAgeSeconds, "1...604800")
        try check((1...600).contains(timeoutSeconds), "timeoutSeconds", timeoutSeconds, "1...600")
        _ = try verifiers()
    }

    /// The members' cosignature verifiers, in order; two members with one key are refused.
    public func verifiers() throws -> [Ed25519CosignatureVerifier] {
        var seen = Set<String>()
        return try members.enumerated().map { offset, member in
            let field = "witnesses.members[\(offset)].verifierKey"
            let verifier: Ed25519CosignatureVerifier
            do { verifier = try Ed25519CosignatureVerifier(verifierKey: member.verifierKey) } catch {
                throw LedgerServerError(.invalidConfig, field: field,
                                        "not a witness cosignature verifier key: \(error)")
            }
            guard seen.insert(verifier.verifierKey).inserted else {
                throw LedgerServerError(.invalidConfig, field: field, "the same witness key is named twice")
            }
            guard member.url.hasPrefix("http://") || member.url.hasPrefix("https://") else {
                throw LedgerServerError(.invalidConfig, field: "witnesses.members[\(offset)].url",
                                        "\(member.url) is not an http:// or https:// URL")
            }
            return verifier
        }
    }
}

extension ServerConfig.WitnessMember {
    private enum Field: String, CodingKey, CaseIterable { case url, verifierKey }
    /// Strict decoding: both keys required.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Field.self)
        let c = try decoder.container(keyedBy: Field.self)
        guard let url = try c.decodeIfPresent(String.self, forKey: .url),
              let key = try c.decodeIfPresent(String.self, forKey: .verifierKey) else {
            throw LedgerServerError(.invalidConfig, field: "witnesses.members",
                                    "each witness needs url and verifierKey")
        }
        self.init(url: url, verifierKey: key)
    }
}

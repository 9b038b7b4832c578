public import LedgerCrypto
public import SignedNote

/// Who a log is: its origin (the checkpoint's first line and the key name), its hash suite, and the key that
/// verifies its checkpoints. Written into the store's metadata at creation and checked at every open, so a
/// daemon pointed at another ledger's store refuses it instead of extending it.
public struct LogIdentity: Sendable {
    public let origin: String
    public let hashAlgorithm: HashAlgorithm
    public let verifier: any NoteVerifier

    public init(origin: String, hashAlgorithm: HashAlgorithm, verifier: any NoteVerifier) {
        self.origin = origin
        self.hashAlgorithm = hashAlgorithm
        self.verifier = verifier
    }

    static let originKey = "log.origin"
    static let hashKey = "log.hash"
    static let verifierKey = "log.verifier"

    /// What a store says about itself: origin, hash suite and checkpoint verifier key (nil where unset). An
    /// auditor reads the hash suite from here but trusts only the verifier key it was given.
    public static func stored(in store: any LogStore) async throws
        -> (origin: String?, hashAlgorithm: HashAlgorithm?, verifierKey: String?) {
        let hash = try await store.metadata(hashKey)
        return (try await store.metadata(originKey), hash.flatMap(HashAlgorithm.init(rawValue:)),
                try await store.metadata(verifierKey))
    }

    /// Records this identity in a new store (each value can be set once only).
    public func record(in store: any LogStore, verifierKey: String) async throws {
        try await store.setMetadata(Self.originKey, origin)
        try await store.setMetadata(Self.hashKey, hashAlgorithm.rawValue)
        try await store.setMetadata(Self.verifierKey, verifierKey)
    }

    /// Checks that `store` belongs to this log; throws `.inconsistent` naming what differs.
    public func check(_ store: any LogStore, verifierKey: String) async throws {
        let stored = (try await store.metadata(Self.originKey), try await store.metadata(Self.hashKey),
                      try await store.metadata(Self.verifierKey))
        guard let origin = stored.0, let hash = stored.1, let key = stored.2 else {
            throw LogError(.inconsistent, "the store has no log identity (not created by `certledger init`?)")
        }
        guard origin == self.origin else {
            throw LogError(.inconsistent, "the store belongs to the log \"\(origin)\", not \"\(self.origin)\"")
        }
        guard hash == hashAlgorithm.rawValue else {
            throw LogError(.inconsistent, "the store uses \(hash), the configuration \(hashAlgorithm.rawValue)")
        }
        guard key == verifierKey else {
            throw LogError(.inconsistent, "the store's checkpoint key is \(key), the configuration's \(verifierKey)")
        }
    }
}

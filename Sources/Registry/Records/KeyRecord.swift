public import LedgerCrypto

/// A public key as the log records it (DESIGN.md §3: key history lives in the log): its ID, algorithm and
/// SubjectPublicKeyInfo PEM. The PEM must be the canonical one (`PublicKey.pem`: 64-column base64, a final
/// newline, as `openssl pkey -pubout` writes it) and `keyId` must be the key's own `PublicKey.keyID`, so an
/// auditor can recompute both and one key has one record.
public struct KeyRecord: Codable, Sendable, Hashable {
    /// The key's own `PublicKey.keyID`.
    public let keyId: KeyID
    /// The algorithm the key signs with.
    public let algorithm: SignatureAlgorithm
    /// The canonical SubjectPublicKeyInfo PEM.
    public let publicKey: String

    /// A key record as written; `loadPublicKey` checks it.
    public init(keyId: KeyID, algorithm: SignatureAlgorithm, publicKey: String) {
        self.keyId = keyId
        self.algorithm = algorithm
        self.publicKey = publicKey
    }

    /// The record of `key`.
    public init(_ key: PublicKey) throws(RegistryError) {
        self.init(keyId: try KeyID(validating: key.keyID), algorithm: key.algorithm, publicKey: key.pem)
    }

    /// Loads the key, checking algorithm, canonical PEM and key ID.
    public func loadPublicKey(at path: String = "") throws(RegistryError) -> PublicKey {
        let key: PublicKey
        do {
            key = try PublicKey(pem: publicKey, algorithm: algorithm)
        } catch {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "publicKey"),
                                "not an SPKI PEM public key of algorithm \(algorithm.rawValue): \(error)")
        }
        guard key.pem == publicKey else {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "publicKey"),
                                "must be the canonical PEM (64-column base64, uncompressed point, final newline)")
        }
        guard key.keyID == keyId.value else {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "keyId"),
                                "\(keyId) is not the key ID of publicKey, which is \(key.keyID)")
        }
        return key
    }
}

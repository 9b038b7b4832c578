internal import COpenSSL

/// A signing key of one of the ledger's signature algorithms (DESIGN.md §3), backed by an OpenSSL `EVP_PKEY`.
///
/// Immutable and safe to share between threads (each signature gets its own context). The matching
/// `PublicKey` is derived once, at load.
public final class PrivateKey: @unchecked Sendable {
    /// The algorithm this key signs with; fixed by the key's type and curve.
    public let algorithm: SignatureAlgorithm
    /// The public half, for key records and for verifying what this key signs.
    public let publicKey: PublicKey
    /// The owned `EVP_PKEY`; freed in `deinit`.
    let pkey: OpaquePointer
    /// Prepared signing contexts, for ECDSA keys (see `ECDSAContextPool` for why) and Ed25519 keys
    /// (`Ed25519SignPool`); SM2 keys sign with a fresh context each time.
    private let ecdsa: ECDSAContextPool?
    private let ed25519: Ed25519SignPool?

    /// Takes ownership of `pkey` (freeing it if it is refused) and checks it is a key of `requested`.
    init(adopting pkey: OpaquePointer, requested: SignatureAlgorithm?, field: String) throws {
        let derived: PublicKey
        let pool: ECDSAContextPool?
        let edPool: Ed25519SignPool?
        do {
            // The public half goes through SPKI so that it is a separate, public-only EVP_PKEY.
            let spki = try encodeSPKI(pkey)
            derived = try PublicKey(spkiDER: spki, algorithm: requested)
            pool = derived.algorithm == .ecdsaP256SHA256 ? try ECDSAContextPool(key: pkey, operation: .sign) : nil
            edPool = derived.algorithm == .ed25519 ? try Ed25519SignPool(key: pkey) : nil
        } catch let error as CryptoError {
            EVP_PKEY_free(pkey)
            throw CryptoError(error.code, field: field, error.reason)
        }
        algorithm = derived.algorithm
        publicKey = derived
        ecdsa = pool
        ed25519 = edPool
        self.pkey = pkey
    }

    deinit { EVP_PKEY_free(pkey) }

    /// A fresh key pair from OpenSSL's default DRBG. SM2 keys are generated as OpenSSL `SM2` keys (not `EC` on
    /// the SM2 curve), P-256 keys as `EC` on `P-256`.
    public static func generate(_ algorithm: SignatureAlgorithm) throws -> PrivateKey {
        let pkey = try KeyGenerationContext(algorithm).generate()
        return try PrivateKey(adopting: pkey, requested: algorithm, field: "generate")
    }

    /// Reads a PKCS#8 (RFC 5958) `PRIVATE KEY` PEM block, as `openssl genpkey` writes it. Encrypted keys are
    /// refused rather than prompting for a password.
    /// - Parameter algorithm: when given, a key of any other algorithm throws `.wrongKeyType`.
    public convenience init(pem: String, algorithm: SignatureAlgorithm? = nil) throws {
        let bio = try MemoryBIO(reading: Array(pem.utf8))
        guard let pkey = PEM_read_bio_PrivateKey_ex(bio.pointer, nil, refusePassword, nil, nil, nil) else {
            throw CryptoError.openssl("PEM_read_bio_PrivateKey_ex", field: "pem", code: .malformedKey)
        }
        try self.init(adopting: pkey, requested: algorithm, field: "pem")
    }

    /// An Ed25519 key from its 32-byte RFC 8032 §5.1.5 seed: the form C2SP signed-note keys are stored in.
    public convenience init(ed25519Seed seed: [UInt8]) throws {
        guard seed.count == 32 else {
            throw CryptoError(.malformedKey, field: "ed25519Seed", "Ed25519 seed must be 32 bytes, got \(seed.count)")
        }
        let made = seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key_ex(nil, "ED25519", nil, $0.baseAddress, $0.count)
        }
        guard let pkey = made else {
            throw CryptoError.openssl("EVP_PKEY_new_raw_private_key_ex", field: "ed25519Seed", code: .malformedKey)
        }
        try self.init(adopting: pkey, requested: .ed25519, field: "ed25519Seed")
    }

    /// The 32-byte RFC 8032 seed of an Ed25519 key. Throws `.wrongKeyType` for the other algorithms, whose
    /// private keys have no seed.
    public var ed25519Seed: [UInt8] {
        get throws {
            guard algorithm == .ed25519 else {
                throw CryptoError(.wrongKeyType, field: "ed25519Seed",
                                  "a \(algorithm.rawValue) key has no Ed25519 seed")
            }
            var seed = [UInt8](repeating: 0, count: 32)
            var length = seed.count
            let ok = seed.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_private_key(pkey, $0.baseAddress, &length) }
            guard ok == 1, length == 32 else { throw CryptoError.openssl("EVP_PKEY_get_raw_private_key") }
            return seed
        }
    }

    /// The key as an unencrypted PKCS#8 (RFC 5958) `PRIVATE KEY` PEM block, readable by `openssl pkey`.
    public func pkcs8PEM() throws -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_PKCS8PrivateKey(bio.pointer, pkey, nil, nil, 0, nil, nil) == 1 else {
            throw CryptoError.openssl("PEM_write_bio_PKCS8PrivateKey")
        }
        return String(decoding: try bio.contents(), as: UTF8.self)
    }

    /// Signs `message`. Ed25519 (RFC 8032 §5.1.6) gives 64 raw bytes; ECDSA P-256/SHA-256 (FIPS 186-4) and
    /// SM2/SM3 with the default ID (GM/T 0003.2) give a DER `SEQUENCE { r, s }` of up to 72 bytes.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        if let ecdsa { return try ecdsa.sign(message) }
        if let ed25519 { return try ed25519.sign(message) }
        return try SignatureContext().sign(message, key: pkey, algorithm: algorithm)
    }
}

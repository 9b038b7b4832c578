internal import COpenSSL

/// A public key of one of the ledger's signature algorithms (DESIGN.md §3), backed by an OpenSSL `EVP_PKEY`.
///
/// Immutable after load and safe to share between threads: OpenSSL 3 only reads a key while verifying, and
/// each verification gets its own context. The encodings and the key ID are computed once, at load.
public final class PublicKey: @unchecked Sendable, Equatable {
    /// The algorithm this key verifies with; fixed by the key's type and curve.
    public let algorithm: SignatureAlgorithm
    /// The raw public key: RFC 8032 §5.1.5 encoding (32 bytes) for Ed25519; the SEC 1 §2.3.3 uncompressed
    /// point `0x04 ‖ X ‖ Y` (65 bytes) for P-256 and SM2.
    public let rawBytes: [UInt8]
    /// The canonical DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RFC 8410 §4 for Ed25519, RFC 5480 §2 for
    /// the EC keys, always with the uncompressed point), as `openssl pkey -pubout -outform DER` writes it.
    public let spkiDER: [UInt8]
    /// The ledger's key ID: lower-case hex of the first 16 bytes of SHA-256(`spkiDER`). Computed over the
    /// canonical encoding, so every spelling of one key gets one ID.
    public let keyID: String
    /// The owned `EVP_PKEY`; freed in `deinit`.
    let pkey: OpaquePointer
    /// Prepared verification contexts, for ECDSA keys only (see `ECDSAContextPool` for why).
    private let ecdsa: ECDSAContextPool?
    /// Reused verification contexts, for Ed25519 keys only (see `Ed25519VerifyPool` for why).
    private let ed25519: Ed25519VerifyPool?

    /// Takes ownership of `pkey` (freeing it if it is refused) and checks it is a key of `requested`.
    init(adopting pkey: OpaquePointer, requested: SignatureAlgorithm?, field: String) throws {
        do {
            guard let actual = SignatureAlgorithm(pkey: pkey) else {
                let what = SignatureAlgorithm.describe(pkey: pkey)
                if let requested {
                    throw CryptoError(.wrongKeyType, field: field, "expected a \(requested.rawValue) key, got \(what)")
                }
                throw CryptoError(.unsupportedAlgorithm, field: field, "\(what) keys are not supported")
            }
            if let requested, requested != actual {
                throw CryptoError(.wrongKeyType, field: field,
                                  "expected a \(requested.rawValue) key, got a \(actual.rawValue) key")
            }
            if actual != .ed25519 {
                // Keys read from a compressed point would otherwise re-encode compressed: pin one spelling.
                guard EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                                     OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) == 1 else {
                    throw CryptoError.openssl("EVP_PKEY_set_utf8_string_param(point-format)", field: field)
                }
            }
            let spki = try encodeSPKI(pkey)
            let prefix = actual.spkiPrefix
            guard spki.count == prefix.count + actual.rawPublicKeyLength, spki.starts(with: prefix) else {
                throw CryptoError(.malformedKey, field: field,
                                  "\(actual.rawValue) key re-encodes to an unexpected \(spki.count)-byte SPKI")
            }
            ecdsa = actual == .ecdsaP256SHA256 ? try ECDSAContextPool(key: pkey, operation: .verify) : nil
            ed25519 = actual == .ed25519 ? try Ed25519VerifyPool(key: pkey) : nil
            algorithm = actual
            spkiDER = spki
            rawBytes = Array(spki[prefix.count...])
            keyID = Hex.encode(HashAlgorithm.sha256.hash(spki).bytes.prefix(16))
            self.pkey = pkey
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
    }

    deinit { EVP_PKEY_free(pkey) }

    /// Reads a DER SubjectPublicKeyInfo. The whole input must be one SPKI: trailing bytes are refused.
    /// - Parameter algorithm: when given, a key of any other algorithm throws `.wrongKeyType`.
    public convenience init(spkiDER: [UInt8], algorithm: SignatureAlgorithm? = nil) throws {
        let pkey = try withCBytes(spkiDER) { base, count -> OpaquePointer in
            var cursor: UnsafePointer<UInt8>? = base
            guard let pkey = d2i_PUBKEY_ex(nil, &cursor, count, nil, nil) else {
                throw CryptoError.openssl("d2i_PUBKEY_ex", field: "spkiDER", code: .malformedKey)
            }
            guard let cursor, cursor == base + count else {
                EVP_PKEY_free(pkey)
                throw CryptoError(.malformedKey, field: "spkiDER", "trailing bytes after the SubjectPublicKeyInfo")
            }
            return pkey
        }
        try self.init(adopting: pkey, requested: algorithm, field: "spkiDER")
    }

    /// Reads an RFC 7468 `PUBLIC KEY` PEM block (a SubjectPublicKeyInfo), as `openssl pkey -pubout` writes it.
    /// - Parameter algorithm: when given, a key of any other algorithm throws `.wrongKeyType`.
    public convenience init(pem: String, algorithm: SignatureAlgorithm? = nil) throws {
        let bio = try MemoryBIO(reading: Array(pem.utf8))
        guard let pkey = PEM_read_bio_PUBKEY_ex(bio.pointer, nil, refusePassword, nil, nil, nil) else {
            throw CryptoError.openssl("PEM_read_bio_PUBKEY_ex", field: "pem", code: .malformedKey)
        }
        try self.init(adopting: pkey, requested: algorithm, field: "pem")
    }

    /// Builds a key from its raw encoding (see `rawBytes`), e.g. the 32 bytes of a C2SP note verifier key.
    /// An EC point must be uncompressed and on the curve.
    public convenience init(raw: [UInt8], algorithm: SignatureAlgorithm) throws {
        guard raw.count == algorithm.rawPublicKeyLength else {
            throw CryptoError(.malformedKey, field: "raw",
                              "\(algorithm.rawValue) raw public key must be \(algorithm.rawPublicKeyLength) bytes, "
                                  + "got \(raw.count)")
        }
        if algorithm != .ed25519, raw.first != 0x04 {
            throw CryptoError(.malformedKey, field: "raw",
                              "EC public key must be an uncompressed point (0x04 ‖ X ‖ Y), got prefix \(raw[0])")
        }
        do {
            try self.init(spkiDER: algorithm.spkiPrefix + raw, algorithm: algorithm)
        } catch let error as CryptoError {
            throw CryptoError(error.code, field: "raw", error.reason)
        }
    }

    /// The SPKI as an RFC 7468 `PUBLIC KEY` PEM block, byte for byte what `openssl pkey -pubout` prints.
    public var pem: String { PEM.armor(spkiDER, label: "PUBLIC KEY") }

    /// Checks `signature` over `message` (see `PrivateKey.sign`). Never throws: a malformed, truncated or
    /// foreign signature is simply not valid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        if let ecdsa { return ecdsa.verify(signature, message: message) }
        if let ed25519 { return ed25519.verify(signature, message: message) }
        guard let context = try? SignatureContext() else {
            ERR_clear_error()
            return false
        }
        return context.verify(signature, message: message, key: pkey, algorithm: algorithm)
    }

    /// Keys are equal when they are of one algorithm and have one canonical SPKI.
    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.algorithm == rhs.algorithm && lhs.spkiDER == rhs.spkiDER
    }
}

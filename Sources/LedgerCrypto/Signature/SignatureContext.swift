internal import COpenSSL

/// One signing or verifying operation over an `EVP_MD_CTX` (OpenSSL 3 `EVP_DigestSign*` / `EVP_DigestVerify*`).
///
/// The path for Ed25519 signing and SM2 (where the GM/T ID must be set on the context `EVP_DigestSignInit_ex`
/// returns), and the deciding check behind `Ed25519VerifyPool`, which reuses verification contexts (setting one up
/// costs about an eighth of an Ed25519 verification); ECDSA keys go through `ECDSAContextPool`, and this path stays
/// as its reference in the tests. Contexts are never shared between threads; keys are.
final class SignatureContext {
    private let pointer: OpaquePointer

    init() throws {
        guard let ctx = EVP_MD_CTX_new() else { throw CryptoError.openssl("EVP_MD_CTX_new") }
        pointer = ctx
    }

    /// Each context makes exactly one signature or verification, so OpenSSL may finish it in place: without
    /// this flag `EVP_DigestSignFinal` / `EVP_DigestVerifyFinal` first duplicate the whole operation (key
    /// context and digest state) so that the caller could go on feeding data.
    private func markSingleUse() {
        EVP_MD_CTX_set_flags(pointer, Int32(EVP_MD_CTX_FLAG_FINALISE))
    }

    deinit { EVP_MD_CTX_free(pointer) }

    /// Signs `message` in one shot: Ed25519 (RFC 8032 §5.1.6) cannot be fed incrementally, and one-shot is
    /// just as good for the others.
    func sign(_ message: [UInt8], key pkey: OpaquePointer, algorithm: SignatureAlgorithm) throws -> [UInt8] {
        var pctx: OpaquePointer?
        let initialised = Self.withDigestName(algorithm) { md in
            EVP_DigestSignInit_ex(pointer, &pctx, md, nil, nil, pkey, nil)
        }
        guard initialised == 1 else { throw CryptoError.openssl("EVP_DigestSignInit_ex(\(algorithm.rawValue))") }
        markSingleUse()
        if algorithm == .sm2SM3 {
            guard let pctx, Self.setSM2DistinguishingID(pctx) else {
                throw CryptoError.openssl("EVP_PKEY_CTX_set1_id")
            }
        }
        return try withCBytes(message) { data, count in
            var length = 0
            guard EVP_DigestSign(pointer, nil, &length, data, count) == 1, length > 0 else {
                throw CryptoError.openssl("EVP_DigestSign(\(algorithm.rawValue)) size query")
            }
            var signature = [UInt8](repeating: 0, count: length)
            let signed = signature.withUnsafeMutableBufferPointer {
                EVP_DigestSign(pointer, $0.baseAddress, &length, data, count)
            }
            guard signed == 1 else { throw CryptoError.openssl("EVP_DigestSign(\(algorithm.rawValue))") }
            signature.removeLast(signature.count - length)
            return signature
        }
    }

    /// True only for a valid signature. A bad signature (0) and an error (< 0) both answer false, and both
    /// leave entries on the thread's error queue, which are cleared so they cannot be blamed on a later call.
    func verify(_ signature: [UInt8], message: [UInt8], key pkey: OpaquePointer, algorithm: SignatureAlgorithm)
        -> Bool
    {
        var pctx: OpaquePointer?
        let initialised = Self.withDigestName(algorithm) { md in
            EVP_DigestVerifyInit_ex(pointer, &pctx, md, nil, nil, pkey, nil)
        }
        guard initialised == 1 else {
            ERR_clear_error()
            return false
        }
        markSingleUse()
        if algorithm == .sm2SM3 {
            guard let pctx, Self.setSM2DistinguishingID(pctx) else {
                ERR_clear_error()
                return false
            }
        }
        let verdict = withCBytes(signature) { sig, sigCount in
            withCBytes(message) { data, count in EVP_DigestVerify(pointer, sig, sigCount, data, count) }
        }
        guard verdict == 1 else {
            ERR_clear_error()
            return false
        }
        return true
    }

    /// Sets the GM/T 0009 default ID on the `EVP_PKEY_CTX` owned by the `EVP_MD_CTX` (not freed here).
    private static func setSM2DistinguishingID(_ pctx: OpaquePointer) -> Bool {
        SignatureAlgorithm.sm2DistinguishingID.withUnsafeBytes {
            EVP_PKEY_CTX_set1_id(pctx, $0.baseAddress, Int32($0.count)) == 1
        }
    }

    /// Passes the digest name as a C string, or NULL for Ed25519 (which must not be given a digest).
    @inline(__always)
    private static func withDigestName<R>(_ algorithm: SignatureAlgorithm, _ body: (UnsafePointer<CChar>?) -> R)
        -> R
    {
        switch algorithm {
        case .ed25519: return body(nil)
        case .ecdsaP256SHA256: return body("SHA256")
        case .sm2SM3: return body("SM3")
        }
    }
}

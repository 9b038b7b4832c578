internal import COpenSSL

// Small owners of OpenSSL objects used while loading, generating and encoding keys. Each frees its object in
// `deinit`, so that no early `throw` can leak one (STYLE.md, "C and unsafe code").

/// A memory BIO: either a read-only view of bytes (for the PEM readers) or a growable sink (for the writers).
final class MemoryBIO {
    let pointer: OpaquePointer
    /// Kept alive while OpenSSL reads from it: `BIO_new_mem_buf` does not copy.
    private let source: UnsafeMutableRawBufferPointer?

    /// A BIO reading a private copy of `bytes`.
    init(reading bytes: [UInt8]) throws {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        copy.copyBytes(from: bytes)
        guard let bio = BIO_new_mem_buf(copy.baseAddress, Int32(clamping: bytes.count)) else {
            copy.deallocate()
            throw CryptoError.openssl("BIO_new_mem_buf")
        }
        pointer = bio
        source = copy
    }

    /// An empty, writable BIO.
    init() throws {
        guard let method = BIO_s_mem(), let bio = BIO_new(method) else { throw CryptoError.openssl("BIO_new") }
        pointer = bio
        source = nil
    }

    deinit {
        BIO_free(pointer)
        if let source {
            // Private keys pass through here: wipe the copy before returning it to the allocator.
            OPENSSL_cleanse(source.baseAddress, source.count)
            source.deallocate()
        }
    }

    /// Everything written so far.
    func contents() throws -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(pointer))
        guard pending > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: pending)
        let read = out.withUnsafeMutableBytes { BIO_read(pointer, $0.baseAddress, Int32(clamping: pending)) }
        guard read == pending else { throw CryptoError.openssl("BIO_read") }
        return out
    }
}

/// An `EVP_PKEY_CTX` for key generation.
final class KeyGenerationContext {
    private let pointer: OpaquePointer

    init(_ algorithm: SignatureAlgorithm) throws {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, algorithm.keyTypeName, nil) else {
            throw CryptoError.openssl("EVP_PKEY_CTX_new_from_name(\(algorithm.keyTypeName))")
        }
        pointer = ctx
        guard EVP_PKEY_keygen_init(ctx) == 1 else {
            throw CryptoError.openssl("EVP_PKEY_keygen_init(\(algorithm.rawValue))")
        }
        if let group = algorithm.groupName {
            guard EVP_PKEY_CTX_set_group_name(ctx, group) == 1 else {
                throw CryptoError.openssl("EVP_PKEY_CTX_set_group_name(\(group))")
            }
        }
    }

    deinit { EVP_PKEY_CTX_free(pointer) }

    /// A fresh key pair; the caller owns the returned `EVP_PKEY`.
    func generate() throws -> OpaquePointer {
        var pkey: OpaquePointer?
        guard EVP_PKEY_generate(pointer, &pkey) == 1, let pkey else {
            throw CryptoError.openssl("EVP_PKEY_generate")
        }
        return pkey
    }
}

/// Runs `body` with a non-null pointer to `bytes` and their count: some OpenSSL entry points treat a null
/// pointer as "no input" even when the length is zero, and an empty Swift array may have no storage.
@inline(__always)
func withCBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress { return try body(base, buffer.count) }
        var zero: UInt8 = 0
        return try withUnsafePointer(to: &zero) { try body($0, 0) }
    }
}

/// A password callback that refuses: without it, OpenSSL's PEM readers would prompt on the terminal when
/// handed an encrypted key. Ledger keys are stored unencrypted (their files are protected by permissions).
func refusePassword(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int32, _ writing: Int32, _ user: UnsafeMutableRawPointer?
) -> Int32 {
    -1
}

/// The DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of a key.
func encodeSPKI(_ pkey: OpaquePointer) throws -> [UInt8] {
    let length = i2d_PUBKEY(pkey, nil)
    guard length > 0 else { throw CryptoError.openssl("i2d_PUBKEY") }
    var out = [UInt8](repeating: 0, count: Int(length))
    let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var cursor = buffer.baseAddress
        return i2d_PUBKEY(pkey, &cursor)
    }
    guard written == length else { throw CryptoError.openssl("i2d_PUBKEY") }
    return out
}

internal import COpenSSL

/// An incremental digest over OpenSSL's `EVP_MD_CTX`. Reusable after `finalize()`; not thread-safe: one per
/// thread or task, never shared (the type is deliberately not `Sendable`).
public final class DigestContext {
    public let algorithm: HashAlgorithm
    private let ctx: OpaquePointer

    /// Creates a context ready for `update`.
    public init(_ algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.ctx = ctx
        reset()
    }

    deinit { EVP_MD_CTX_free(ctx) }

    /// Starts a new digest, discarding anything absorbed so far.
    public func reset() {
        guard EVP_DigestInit_ex2(ctx, algorithm.md.pointer, nil) == 1 else {
            fatalError("\(CryptoError.openssl("EVP_DigestInit_ex2(\(algorithm))"))")
        }
    }

    /// Absorbs raw bytes.
    @inline(__always)
    package func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        // EVP_DigestUpdate on an initialised context fails only on programmer error (no init).
        _ = EVP_DigestUpdate(ctx, buffer.baseAddress, buffer.count)
    }

    /// Absorbs any byte sequence (contiguous ones without copying).
    public func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let array = Array(bytes)
            array.withUnsafeBytes { update($0) }
        }
    }

    /// Absorbs one byte (the RFC 9162 domain-separation prefixes).
    @inline(__always)
    public func update(byte: UInt8) {
        var b = byte
        withUnsafeBytes(of: &b) { update($0) }
    }

    /// Absorbs a digest.
    @inline(__always)
    public func update(_ hash: Hash256) {
        hash.withUnsafeBytes { update($0) }
    }

    /// Finishes the digest and re-initialises the context for the next one.
    public func finalize() -> Hash256 {
        var out = Hash256()
        out.withUnsafeMutableBytes { dst in
            var len: UInt32 = 0
            guard EVP_DigestFinal_ex(ctx, dst.baseAddress!.assumingMemoryBound(to: UInt8.self), &len) == 1,
                  len == 32 else {
                fatalError("\(CryptoError.openssl("EVP_DigestFinal_ex(\(algorithm))"))")
            }
        }
        reset()
        return out
    }
}

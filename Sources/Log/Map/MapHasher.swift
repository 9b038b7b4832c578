public import LedgerCrypto

/// The hash functions of the status map (DESIGN.md §3) over one reusable digest context.
///
/// A subtree with no key hashes to 32 zero bytes, one with exactly one key to the leaf `H(0x02 ‖ k ‖ H(value))`
/// whatever its depth, and one with two or more keys to `H(0x03 ‖ left ‖ right)`. The prefixes 0x02 and 0x03 keep
/// map hashes apart from the log's own (RFC 9162 uses 0x00 and 0x01), and no digest is ever all zeros, so an empty
/// subtree cannot be confused with a leaf or a node.
///
/// Not `Sendable` (it owns an OpenSSL digest context): make one per task or thread.
public final class MapHasher {
    /// The domain-separation prefix of tree keys: k = H(`"certledger/map/v1\n"` ‖ UTF-8 key string).
    public static let keyPrefix: [UInt8] = Array("certledger/map/v1\n".utf8)

    /// The hash of an empty subtree, and the root of the empty map.
    public static let empty = Hash256.zero

    /// The hash suite of the ledger.
    public let algorithm: HashAlgorithm
    private let context: DigestContext

    /// Creates a hasher for `algorithm` (SHA-256 unless the ledger was created with SM3).
    public init(_ algorithm: HashAlgorithm = .sha256) {
        self.algorithm = algorithm
        self.context = DigestContext(algorithm)
    }

    /// The tree key of a map key string: where the key lives in the 256-bit key space.
    public func treeKey(_ key: String) -> Hash256 {
        context.update(Self.keyPrefix)
        context.update(key.utf8)
        return context.finalize()
    }

    /// The hash of a value's bytes, the part of a leaf a proof carries.
    public func valueHash(_ value: some Sequence<UInt8>) -> Hash256 {
        context.update(value)
        return context.finalize()
    }

    /// The hash `H(0x02 ‖ key ‖ valueHash)` of a subtree holding exactly one key.
    @inline(__always)
    public func leafHash(key: Hash256, valueHash: Hash256) -> Hash256 {
        hash(0x02, key, valueHash)
    }

    /// The hash `H(0x03 ‖ left ‖ right)` of a subtree holding two or more keys (`left`: next bit 0).
    @inline(__always)
    public func nodeHash(_ left: Hash256, _ right: Hash256) -> Hash256 {
        hash(0x03, left, right)
    }

    /// `H(prefix ‖ first ‖ second)`, absorbed as one 65-byte buffer: one digest update instead of three (OpenSSL's
    /// EVP layer costs about as much per call as hashing the bytes; a batch hashes about depth such nodes per
    /// changed key).
    private func hash(_ prefix: UInt8, _ first: Hash256, _ second: Hash256) -> Hash256 {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buffer in
            buffer[0] = prefix
            first.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]).copyMemory(from: $0) }
            second.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[33..<65]).copyMemory(from: $0) }
            context.update(UnsafeRawBufferPointer(buffer))
            return context.finalize()
        }
    }
}

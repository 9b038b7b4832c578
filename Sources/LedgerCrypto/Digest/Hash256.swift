/// A 32-byte digest (SHA-256 or SM3) held inline, so hot paths such as Merkle hashing allocate nothing.
public struct Hash256: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Four big-endian-agnostic words: the bytes are stored in memory order, never interpreted as numbers
    // except for ordering, which compares bytes lexicographically.
    @usableFromInline var w0: UInt64 = 0
    @usableFromInline var w1: UInt64 = 0
    @usableFromInline var w2: UInt64 = 0
    @usableFromInline var w3: UInt64 = 0

    /// Number of bytes in a digest.
    public static let byteCount = 32

    /// All zeros: the `prev` of entry 0 (DESIGN.md §3).
    public static let zero = Hash256()

    public init() {}

    /// Copies exactly 32 bytes; returns nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.init()
        withUnsafeMutableBytes { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
    }

    /// Parses 64 hexadecimal digits (either case).
    public init?(hex: String) {
        var text = hex
        guard let hash = text.withUTF8({ Self(hexUTF8: $0) }) else { return nil }
        self = hash
    }

    /// Parses 64 hexadecimal digits (either case) given as their UTF-8 bytes, straight into the digest.
    package init?(hexUTF8 chars: UnsafeBufferPointer<UInt8>) {
        self.init()
        guard withUnsafeMutableBytes({ Hex.decode(utf8: chars, into: $0) }) else { return nil }
    }

    /// Parses 64 lower-case hexadecimal digits given as their UTF-8 bytes; nil for an upper-case digit as for any
    /// other text (one pass where a caller would check the case and then decode).
    package init?(lowerHexUTF8 chars: UnsafeBufferPointer<UInt8>) {
        self.init()
        guard withUnsafeMutableBytes({ Hex.decode(lowercaseUTF8: chars, into: $0) }) else { return nil }
    }

    /// Parses standard padded base64 of exactly 32 bytes.
    public init?(base64: String) {
        guard let bytes = Base64.decode(base64), bytes.count == Self.byteCount else { return nil }
        self.init(bytes: bytes)
    }

    /// Parses standard padded base64 of exactly 32 bytes given as its UTF-8 bytes (44 characters).
    package init?(base64UTF8 chars: UnsafeBufferPointer<UInt8>) {
        // Decoded on the stack (44 characters have room for 33 bytes), not into an array: every entry of an audit
        // names its predecessor's hash this way.
        guard chars.count == 44 else { return nil }
        self.init()
        let decoded = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 33) { buffer -> Bool in
            guard Base64.decode(utf8: chars, into: buffer) == Self.byteCount else { return false }
            let digest = UnsafeRawBufferPointer(start: buffer.baseAddress, count: Self.byteCount)
            withUnsafeMutableBytes { $0.copyMemory(from: digest) }
            return true
        }
        guard decoded else { return nil }
    }

    /// Read access to the 32 bytes without copying.
    @inlinable
    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<32])) }
    }

    /// Write access to the 32 bytes (used by digest contexts to finalize in place).
    @inlinable
    package mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeMutableBytes(of: &self) { try body(UnsafeMutableRawBufferPointer(rebasing: $0[0..<32])) }
    }

    /// The 32 bytes as an array (allocates; not for hot paths).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Lower-case hex.
    public var hex: String { Hex.encode(bytes) }

    /// Standard padded base64.
    public var base64: String { Base64.encode(bytes) }

    public var description: String { hex }

    public static func < (lhs: Hash256, rhs: Hash256) -> Bool {
        lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in l.lexicographicallyPrecedes(r) } }
    }
}

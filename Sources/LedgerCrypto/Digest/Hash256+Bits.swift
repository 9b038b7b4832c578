/// A digest read as a 256-bit string, most significant bit of the first byte first: the key space of the status
/// map (DESIGN.md §3), where bit `i` chooses the left (0) or right (1) child at depth `i + 1`.
extension Hash256 {
    /// The word holding bits `64·n ..< 64·(n+1)`, read so that bit 0 of the string is the word's top bit.
    @usableFromInline @inline(__always)
    func word(_ n: Int) -> UInt64 {
        switch n {
        case 0: return w0.bigEndian
        case 1: return w1.bigEndian
        case 2: return w2.bigEndian
        default: return w3.bigEndian
        }
    }

    /// Bits `64·n ..< 64·(n+1)` (n in 0 ..< 4) as a number whose top bit is bit `64·n` of the digest.
    @inlinable
    public func word64(_ n: Int) -> UInt64 {
        precondition(n >= 0 && n < 4, "word \(n) out of range 0..<4")
        return word(n)
    }

    /// Bit `index` (0 ..< 256) of the digest, counting from the most significant bit of its first byte.
    @inlinable
    public func bit(_ index: Int) -> Bool {
        precondition(index >= 0 && index < 256, "bit \(index) out of range 0..<256")
        return (word(index >> 6) >> UInt64(63 - index & 63)) & 1 == 1
    }

    /// The number of leading bits (0 ... 256) this digest shares with `other`.
    @inlinable
    public func commonPrefixLength(with other: Hash256) -> Int {
        for n in 0..<4 {
            let difference = word(n) ^ other.word(n)
            if difference != 0 { return n * 64 + difference.leadingZeroBitCount }
        }
        return 256
    }

    /// This digest with every bit from `length` on cleared: the name of the subtree at depth `length` that holds
    /// it.
    @inlinable
    public func prefix(_ length: Int) -> Hash256 {
        precondition(length >= 0 && length <= 256, "prefix length \(length) out of range 0...256")
        var out = Hash256()
        func keep(_ word: UInt64, _ n: Int) -> UInt64 {
            let bits = length - n * 64
            if bits >= 64 { return word }
            if bits <= 0 { return 0 }
            return word & ~(UInt64.max >> UInt64(bits))
        }
        out.w0 = keep(word(0), 0).bigEndian
        out.w1 = keep(word(1), 1).bigEndian
        out.w2 = keep(word(2), 2).bigEndian
        out.w3 = keep(word(3), 3).bigEndian
        return out
    }

    /// This digest with bit `index` set (`true`) or cleared: the name of a child subtree from its parent's.
    @inlinable
    public func setting(bit index: Int, to value: Bool) -> Hash256 {
        precondition(index >= 0 && index < 256, "bit \(index) out of range 0..<256")
        let mask = UInt64(1) << UInt64(63 - index & 63)
        var words = (word(0), word(1), word(2), word(3))
        func apply(_ w: inout UInt64) { w = value ? w | mask : w & ~mask }
        switch index >> 6 {
        case 0: apply(&words.0)
        case 1: apply(&words.1)
        case 2: apply(&words.2)
        default: apply(&words.3)
        }
        var out = Hash256()
        out.w0 = words.0.bigEndian
        out.w1 = words.1.bigEndian
        out.w2 = words.2.bigEndian
        out.w3 = words.3.bigEndian
        return out
    }

    /// The same order as `<` (byte by byte), compared a word at a time: for sorting many keys.
    @inlinable
    public func lexicographicallyPrecedes(_ other: Hash256) -> Bool {
        for n in 0..<4 {
            let (a, b) = (word(n), other.word(n))
            if a != b { return a < b }
        }
        return false
    }
}

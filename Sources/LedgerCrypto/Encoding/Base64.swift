/// Standard base64 with padding (RFC 4648 §4), decoded strictly: the length is a multiple of four, padding
/// appears only at the end, no whitespace, and the unused bits of the last symbol are zero. A value therefore
/// has exactly one accepted spelling, which matters wherever base64 text is signed or compared.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            let n = UInt32(input[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes canonical padded base64; nil for anything else.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        // A native string's UTF-8 is read in place; only a bridged or non-contiguous one is copied first.
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(utf8: $0) }) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer { decode(utf8: $0) }
    }

    /// `decode(_:)` of text given as its UTF-8 bytes (a value read in place from a JSON document).
    package static func decode(utf8 chars: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard chars.count % 4 == 0 else { return nil }
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: chars.count / 4 * 3) { out, written in
            guard let count = decode(utf8: chars, into: out) else {
                failed = true
                return
            }
            written = count
        }
        return failed ? nil : out
    }

    /// Decodes canonical padded base64 into `out`, which has room for `3 × chars.count / 4` bytes; the number of
    /// bytes written, or nil for text `decode(_:)` refuses. What a fixed-size value decodes into without an array.
    static func decode(utf8 chars: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard chars.count % 4 == 0, out.count >= chars.count / 4 * 3 else { return nil }
        if chars.isEmpty { return 0 }
        var padding = 0
        if chars[chars.count - 1] == UInt8(ascii: "=") { padding += 1 }
        if chars[chars.count - 2] == UInt8(ascii: "=") { padding += 1 }
        if padding == 1, chars[chars.count - 2] == UInt8(ascii: "=") { return nil }
        return reverse.withUnsafeBufferPointer { reverse -> Int? in
            // Every quad but the last has no padding: four look-ups, three bytes, and one test for the lot at the
            // end (a symbol's value is below 64; a byte outside the alphabet reads 0xFF, whose top bits survive
            // the `|`).
            var i = 0, o = 0, outside: UInt8 = 0
            while i + 4 < chars.count {
                let a = reverse[Int(chars[i])], b = reverse[Int(chars[i + 1])]
                let c = reverse[Int(chars[i + 2])], d = reverse[Int(chars[i + 3])]
                outside |= a | b | c | d
                let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out[o] = UInt8(truncatingIfNeeded: n >> 16)
                out[o + 1] = UInt8(truncatingIfNeeded: n >> 8)
                out[o + 2] = UInt8(truncatingIfNeeded: n)
                i += 4
                o += 3
            }
            guard outside & 0xC0 == 0 else { return nil }
            // The last quad: its final `padding` symbols are the `=` counted above.
            var n: UInt32 = 0
            for j in 0..<4 {
                if j >= 4 - padding {
                    n <<= 6
                    continue
                }
                let v = reverse[Int(chars[i + j])]
                guard v != 0xFF else { return nil }
                n = n << 6 | UInt32(v)
            }
            // Canonical form: bits that padding throws away must be zero.
            if padding == 2 && n & 0xFFFF != 0 || padding == 1 && n & 0xFF != 0 { return nil }
            out[o] = UInt8(n >> 16 & 0xFF)
            o += 1
            if padding < 2 {
                out[o] = UInt8(n >> 8 & 0xFF)
                o += 1
            }
            if padding < 1 {
                out[o] = UInt8(n & 0xFF)
                o += 1
            }
            return o
        }
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes an even number of hex digits (either case); nil for anything else.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        // A native string's UTF-8 is read in place; only a bridged or non-contiguous one is copied first.
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(utf8: $0) }) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer { decode(utf8: $0) }
    }

    /// `decode(_:)` of text given as its UTF-8 bytes.
    package static func decode(utf8 chars: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard chars.count % 2 == 0 else { return nil }
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: chars.count / 2) { out, written in
            failed = !decode(utf8: chars, into: UnsafeMutableRawBufferPointer(out))
            written = failed ? 0 : chars.count / 2
        }
        return failed ? nil : out
    }

    /// Decodes exactly `2 × out.count` hex digits (either case) into `out`; false for anything else.
    static func decode(utf8 chars: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableRawBufferPointer) -> Bool {
        decode(utf8: chars, into: out, table: anyCase)
    }

    /// `decode(utf8:into:)` of lower-case digits only (`0-9a-f`): false for an upper-case one as for any other byte.
    static func decode(lowercaseUTF8 chars: UnsafeBufferPointer<UInt8>,
                       into out: UnsafeMutableRawBufferPointer) -> Bool {
        decode(utf8: chars, into: out, table: lowercase)
    }

    @inline(__always)
    private static func decode(utf8 chars: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableRawBufferPointer,
                               table: [UInt8]) -> Bool {
        guard chars.count == 2 * out.count else { return false }
        return table.withUnsafeBufferPointer { table in
            // A digit's value is below 16; an invalid byte's entry (0xFF) has a high bit that survives the `|`.
            var invalid: UInt8 = 0
            for i in 0..<out.count {
                let hi = table[Int(chars[2 * i])], lo = table[Int(chars[2 * i + 1])]
                invalid |= hi | lo
                out[i] = hi << 4 | lo
            }
            return invalid & 0xF0 == 0
        }
    }

    /// Each byte's digit value in either case, or 0xFF.
    private static let anyCase: [UInt8] = table(lettersFrom: [UInt8(ascii: "a"), UInt8(ascii: "A")])

    /// Each byte's digit value in lower case only, or 0xFF.
    private static let lowercase: [UInt8] = table(lettersFrom: [UInt8(ascii: "a")])

    private static func table(lettersFrom starts: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for digit in 0..<10 { table[0x30 + digit] = UInt8(digit) }
        for start in starts {
            for letter in 0..<6 { table[Int(start) + letter] = UInt8(10 + letter) }
        }
        return table
    }
}

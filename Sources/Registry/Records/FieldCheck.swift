import CanonicalJSON

/// The checks that decoding alone cannot make (free-text bounds, patterns of plain strings), each failing with
/// the field's JSON path and the numbers, plus the mapping of `JSONError` into `RegistryError`.
enum FieldCheck {
    /// What was sent, for quoting in an error: at most its first 32 characters, marked when cut, so a message
    /// never carries more than a short prefix of rejected input.
    static func quote(_ text: some StringProtocol) -> String {
        text.count <= 32 ? "\"\(text)\"" : "\"\(text.prefix(32))…\" (\(text.utf8.count) bytes)"
    }

    /// Free text: `bounds` counts Unicode scalars (a CJK character is one, whatever its UTF-8 length); no control
    /// characters (C0, DEL, C1), which have no place in a register and can hide text in a terminal; no leading or
    /// trailing white space, so that one name has one spelling.
    static func text(_ value: String, _ field: @autoclosure () -> String,
                     _ bounds: ClosedRange<Int>) throws(RegistryError) {
        var value = value
        let quick = value.withUTF8 { quickCheck($0, bounds) }
        if quick.plain, !quick.askFirst || value.first?.isWhitespace == false,
           !quick.askLast || value.last?.isWhitespace == false {
            return
        }
        let count = value.unicodeScalars.count
        guard bounds.contains(count) else {
            throw RegistryError(.invalid, field: field(),
                                "must be \(bounds.lowerBound)–\(bounds.upperBound) characters, found \(count)")
        }
        if let bad = value.unicodeScalars.first(where: isControl) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            throw RegistryError(.invalid, field: field(), "contains the control character U+\(code)")
        }
        if let first = value.first, let last = value.last, first.isWhitespace || last.isWhitespace {
            throw RegistryError(.invalid, field: field(), "must not start or end with white space")
        }
    }

    /// One pass over the UTF-8 bytes answers the common case (length in bounds, no control character): scalars are
    /// the bytes that are not continuation bytes; C0 and DEL are single bytes, C1 is 0xC2 0x80–0x9F. `plain` when
    /// those hold; then an end that is an ASCII scalar other than white space, or a CJK ideograph, is settled, and
    /// `askFirst`/`askLast` say which end must still be asked of its `Character`.
    ///
    /// Why an ideograph settles an end: the first `Character` begins with the first scalar; the last one holds
    /// the last scalar, and when that is an ideograph (U+4E00–U+9FFF, Grapheme_Cluster_Break Other, not
    /// pictographic) UAX #29 breaks before it unless a Prepend scalar precedes (GB9b), so the last `Character`
    /// begins with the ideograph or a Prepend scalar — neither is white space. An ASCII last byte other than white
    /// space is likewise a scalar no cluster rule joins to a white space before it.
    private static func quickCheck(_ bytes: UnsafeBufferPointer<UInt8>,
                                   _ bounds: ClosedRange<Int>) -> (plain: Bool, askFirst: Bool, askLast: Bool) {
        var scalars = 0, control = false, index = wholeWords(bytes, scalars: &scalars)
        var previous: UInt8 = index > 0 ? bytes[index - 1] : 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) { control = true }
            previous = byte
            index += 1
        }
        guard !control, bounds.contains(scalars), let first = bytes.first, let last = bytes.last else {
            return (false, true, true)
        }
        let plainFirst = first < 0x80 ? !isASCIIWhitespace(first) : isIdeograph(bytes, at: 0)
        let plainLast = last < 0x80 ? !isASCIIWhitespace(last)
            : bytes.count >= 3 && bytes[bytes.count - 3] & 0xF0 == 0xE0 && isIdeograph(bytes, at: bytes.count - 3)
        return (true, !plainFirst, !plainLast)
    }

    /// The first loop of `quickCheck` eight bytes at a time: counts the scalars of the leading whole words that
    /// hold no byte below 0x20, no DEL and no 0xC2 (the lead of every C1 control), and answers where the first
    /// other word starts (or the tail shorter than a word), for the byte loop to judge from there.
    @inline(__always)
    private static func wholeWords(_ bytes: UnsafeBufferPointer<UInt8>, scalars: inout Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // A byte of `x` is zero exactly when `(x - 1) & ~x` flags some byte (the borrow of a true match may
            // flag the byte above it too, never a word without one); `(x - 0x20) & ~x` likewise flags bytes < 0x20.
            let del = word ^ (ones &* 0x7F), c2 = word ^ (ones &* 0xC2)
            let flags = ((word &- ones &* 0x20) & ~word) | ((del &- ones) & ~del) | ((c2 &- ones) & ~c2)
            if flags & high != 0 { break }
            // Continuation bytes are 10xxxxxx: the high bit set and the next one (shifted up into it) clear.
            let continuation = word & ~(word << 1) & high
            scalars += 8 - continuation.nonzeroBitCount
            index += 8
        }
        return index
    }

    /// Whether the well-formed scalar starting at `index` is in U+4E00–U+9FFF (UTF-8 E4 B8 80 – E9 BF BF).
    private static func isIdeograph(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let lead = bytes[index]
        return (0xE5...0xE9).contains(lead) || (lead == 0xE4 && bytes.count > index + 1 && bytes[index + 1] >= 0xB8)
    }

    /// `Character.isWhitespace` for a one-byte character: space, tab, LF, VT, FF, CR.
    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// True when every byte of `text` is in `allowed` and the length is in `bounds` (ASCII patterns only).
    static func ascii(_ text: String, _ bounds: ClosedRange<Int>, _ allowed: (UInt8) -> Bool) -> Bool {
        var text = text
        return text.withUTF8 { bounds.contains($0.count) && $0.allSatisfy(allowed) }
    }

    static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    static func isUpperAlnum(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// Items of a list must be distinct; the error names the second occurrence.
    static func unique<T: Hashable>(_ items: [T], _ field: String, _ describe: (T) -> String) throws(RegistryError) {
        var seen = Set<T>()
        for (index, item) in items.enumerated() where !seen.insert(item).inserted {
            throw RegistryError(.invalid, field: "\(field)[\(index)]", "\(describe(item)) is listed twice")
        }
    }

    static func count(_ count: Int, _ field: String, _ bounds: ClosedRange<Int>) throws(RegistryError) {
        guard bounds.contains(count) else {
            throw RegistryError(.invalid, field: field,
                                "must have \(bounds.lowerBound)–\(bounds.upperBound) items, found \(count)")
        }
    }

    /// `prefix.path`, or `prefix[2]` when the path starts with an index.
    static func join(_ prefix: String, _ path: String) -> String {
        if path.isEmpty { return prefix }
        if prefix.isEmpty { return path }
        return path.hasPrefix("[") ? prefix + path : prefix + "." + path
    }
}

extension RegistryError {
    /// A strict-JSON failure as the Registry reports it: too large stays too large (413), everything else is
    /// `invalid`; the path is made absolute by `prefix` (e.g. `record`, `bundle[3]`).
    init(_ error: JSONError, prefix: String) {
        let code: Code = error.code == .inputTooLarge ? .tooLarge : .invalid
        var reason = error.reason
        if let offset = error.offset { reason += " (byte \(offset))" }
        self.init(code, field: FieldCheck.join(prefix, error.path), reason)
    }
}

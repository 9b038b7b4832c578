import CanonicalJSON

/// The checks that decoding alone cannot make (free-text bounds, patterns of plain strings), each failing with
/// the field's JSON path and the numbers, plus the mapping of `JSONError` into `RegistryError`.
enum FieldCheck {
    /// Free text: `bounds` counts Unicode scalars (a CJK character is one, whatever its UTF-8 length); no control
    /// characters (C0, DEL, C1), which have no place in a register and can hide text in a terminal; no leading or
    /// trailing white space, so that one name has one spelling.
    static func text(_ value: String, _ field: String, _ bounds: ClosedRange<Int>) throws(RegistryError) {
        // One pass over the UTF-8 bytes answers the common case (length in bounds, no control character): scalars
        // are the bytes that are not continuation bytes; C0 and DEL are single bytes, C1 is 0xC2 0x80–0x9F.
        var scalars = 0, control = false, previous: UInt8 = 0
        for byte in value.utf8 {
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) { control = true }
            previous = byte
        }
        if !control, bounds.contains(scalars), let first = value.utf8.first, let last = value.utf8.last {
            // An end that is an ASCII scalar other than white space starts a character that is not white space
            // (the last character may also begin with a prepended mark, which is not white space either); any
            // other end is asked of its `Character`, as below.
            let plainFirst = first < 0x80 && !Self.isASCIIWhitespace(first)
            let plainLast = last < 0x80 && !Self.isASCIIWhitespace(last)
            if (plainFirst || value.first?.isWhitespace == false) && (plainLast || value.last?.isWhitespace == false) {
                return
            }
        }
        let count = value.unicodeScalars.count
        guard bounds.contains(count) else {
            throw RegistryError(.invalid, field: field,
                                "must be \(bounds.lowerBound)–\(bounds.upperBound) characters, found \(count)")
        }
        if let bad = value.unicodeScalars.first(where: isControl) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            throw RegistryError(.invalid, field: field, "contains the control character U+\(code)")
        }
        if let first = value.first, let last = value.last, first.isWhitespace || last.isWhitespace {
            throw RegistryError(.invalid, field: field, "must not start or end with white space")
        }
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
        bounds.contains(text.utf8.count) && text.utf8.allSatisfy(allowed)
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

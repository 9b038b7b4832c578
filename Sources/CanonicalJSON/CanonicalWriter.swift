/// Writes RFC 8785 canonical JSON: no insignificant whitespace (§3.2.1), members sorted by the UTF-16 code
/// units of their names (§3.2.3), strings (§3.2.2.2) and numbers (§3.2.2.3) as ECMAScript `JSON.stringify`
/// writes them, and everything as UTF-8 (§3.2.4).
struct CanonicalWriter {
    private(set) var bytes: [UInt8] = []

    mutating func reserve(_ capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Bytes that are already canonical JSON (or a prefix outside it), copied as they are.
    mutating func appendRaw(_ raw: [UInt8]) {
        bytes += raw
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            bytes += "null".utf8
        case .bool(let flag):
            bytes += (flag ? "true" : "false").utf8
        case .number(let number):
            writeNumber(number)
        case .string(let text):
            writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in JSONValue.canonicalOrder(members).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// §3.2.2.3: ECMAScript Number::toString; non-finite values (only hand-built ones) as `null`, like
    /// `JSON.stringify`.
    mutating func writeNumber(_ number: Double) {
        guard number.isFinite else {
            bytes += "null".utf8
            return
        }
        bytes += ShortestDecimal(number).ecmaScriptBytes
    }

    /// §3.2.2.2: escape `"` and `\`, the five control characters that have short escapes, other controls as
    /// `\u00xx` in lower case; every other character, including `/`, DEL and non-ASCII, is written as-is.
    mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        // Runs without anything to escape (all of a base64 or hex string, most text) are copied whole.
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                writeEscape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// RFC 8785 §3.2.2.2: the two-character escapes where JSON has them, `\u00xx` for other control characters.
    private mutating func writeEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes += [0x5C, UInt8(ascii: "\"")]
        case UInt8(ascii: "\\"): bytes += [0x5C, 0x5C]
        case 0x08: bytes += [0x5C, UInt8(ascii: "b")]
        case 0x0C: bytes += [0x5C, UInt8(ascii: "f")]
        case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
        case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
        case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes += [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                      hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }
}

extension JSONValue {
    /// Members in RFC 8785 §3.2.3 order: names compared as arrays of UTF-16 code units, so that every platform
    /// (and ECMAScript's own `sort`) agrees, whatever the Unicode normalization or locale.
    static func canonicalOrder<Value>(_ members: some Collection<(key: String, value: Value)>)
        -> [(key: String, value: Value)] {
        // With ASCII names (nearly always), UTF-16 order is byte order: sort without copying the names.
        if members.allSatisfy({ $0.key.utf8.allSatisfy { $0 < 0x80 } }) {
            return members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { (key: $0.key, value: $0.value) }
        }
        return members.map { (units: Array($0.key.utf16), member: $0) }
            .sorted { $0.units.lexicographicallyPrecedes($1.units) }
            .map(\.member)
    }
}

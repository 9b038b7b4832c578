/// Writes RFC 8785 canonical JSON: no insignificant whitespace (§3.2.1), members sorted by the UTF-16 code
/// units of their names (§3.2.3), strings (§3.2.2.2) and numbers (§3.2.2.3) as ECMAScript `JSON.stringify`
/// writes them, and everything as UTF-8 (§3.2.4).
struct CanonicalWriter {
    private(set) var bytes: [UInt8] = []

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
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [0x5C, UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [0x5C, 0x5C]
            case 0x08: bytes += [0x5C, UInt8(ascii: "b")]
            case 0x0C: bytes += [0x5C, UInt8(ascii: "f")]
            case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
            case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
            case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                          hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// Members in RFC 8785 §3.2.3 order: names compared as arrays of UTF-16 code units, so that every platform
    /// (and ECMAScript's own `sort`) agrees, whatever the Unicode normalization or locale.
    static func canonicalOrder(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        members.map { (units: Array($0.key.utf16), member: $0) }
            .sorted { $0.units.lexicographicallyPrecedes($1.units) }
            .map(\.member)
    }
}

@testable import CanonicalJSON

// Test-only copy of the parser as it stood before it was made cheaper for the audit (commit acac7b0):
// simple, path kept for every value, two hash look-ups per member. `ParserDifferentialTests` holds the parser to
// exactly its answers: same values, same canonical verdicts, same error codes, offsets, paths and reasons.

/// Strings: RFC 8259 §7 escapes, RFC 3629 §4 well-formed UTF-8, and RFC 7493 §2.1's ban on lone surrogates.
extension ReferenceJSONParser {
    /// Parses the string starting at the opening quote; returns its unescaped value.
    mutating func parseString() throws(JSONError) -> String {
        let start = position
        position += 1
        let contentStart = position
        // Until the first escape the value is the input itself (validated as it is scanned), and is made from it
        // in one go at the closing quote; from the first escape on, it is assembled in `buffer`.
        var escaped = false
        var buffer: [UInt8] = []
        while true {
            // Copy the longest run of bytes that need no attention in one go.
            let runStart = position
            while position < input.count {
                let byte = input[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
                position += 1
            }
            if escaped { buffer.append(contentsOf: input[runStart..<position]) }
            guard position < input.count else {
                throw error(.unexpectedEnd, at: position, "the string that starts at byte \(start) is not closed")
            }
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                if !escaped { return String(decoding: input[contentStart..<(position - 1)], as: UTF8.self) }
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                if !escaped {
                    buffer.append(contentsOf: input[contentStart..<position])
                    escaped = true
                }
                try parseEscape(into: &buffer)
            case 0..<0x20:
                throw error(.controlCharacter, at: position,
                            "unescaped control character 0x\(Self.hex(byte)) inside a string")
            default:
                let length = try validateUTF8Sequence()
                if escaped { buffer.append(contentsOf: input[position..<(position + length)]) }
                position += length
            }
        }
    }

    /// RFC 8259 §7: `\" \\ \/ \b \f \n \r \t \uXXXX`; a surrogate pair must be two adjacent `\u` escapes.
    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONError) {
        let start = position
        guard position + 1 < input.count else {
            throw error(.unexpectedEnd, at: position, "input ended inside an escape sequence")
        }
        let letter = input[position + 1]
        position += 2
        switch letter {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"):
            buffer.append(0x2F)
            isCanonical = false  // RFC 8785 writes '/' as is
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: start)
            var scalar = UInt32(unit)
            if isCanonical, !Self.isCanonicalEscape(unit, spelled: input[(start + 2)..<(start + 6)]) {
                isCanonical = false
            }
            if (0xDC00...0xDFFF).contains(unit) {
                throw error(.loneSurrogate, at: start,
                            "low surrogate \\u\(hex4(unit)) without a high surrogate before it")
            }
            if (0xD800...0xDBFF).contains(unit) {
                guard position + 1 < input.count, input[position] == UInt8(ascii: "\\"),
                      input[position + 1] == UInt8(ascii: "u")
                else {
                    throw error(.loneSurrogate, at: start,
                                "high surrogate \\u\(hex4(unit)) is not followed by a low surrogate escape")
                }
                let lowStart = position
                position += 2
                let low = try parseHex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error(.loneSurrogate, at: start,
                                "high surrogate \\u\(hex4(unit)) is followed by \\u\(hex4(low)), not a low surrogate")
                }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            appendUTF8(scalar, to: &buffer)
        default:
            throw error(.invalidEscape, at: start, "\\\(describe(letter)) is not a JSON escape")
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard position < input.count else {
                throw error(.unexpectedEnd, at: position, "input ended inside a \\u escape")
            }
            let byte = input[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw error(.invalidEscape, at: escapeStart,
                            "\\u must be followed by 4 hex digits, found \(describe(byte))")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    /// Whether `\u` + `digits` is how RFC 8785 §3.2.2.2 writes `unit`: only control characters without a
    /// two-character escape are written as `\u00xx`, in lower-case hex.
    private static func isCanonicalEscape(_ unit: UInt16, spelled digits: ArraySlice<UInt8>) -> Bool {
        guard unit < 0x20, ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(unit) else { return false }
        let hex = Array("0123456789abcdef".utf8)
        return digits.elementsEqual([UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(unit >> 4)], hex[Int(unit & 0x0F)]])
    }

    private func hex4(_ unit: UInt16) -> String {
        Self.hex(UInt8(unit >> 8)) + Self.hex(UInt8(unit & 0xFF))
    }

    private func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(0xC0 | UInt8(scalar >> 6))
            buffer.append(0x80 | UInt8(scalar & 0x3F))
        case 0x800..<0x10000:
            buffer.append(0xE0 | UInt8(scalar >> 12))
            buffer.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            buffer.append(0x80 | UInt8(scalar & 0x3F))
        default:
            buffer.append(0xF0 | UInt8(scalar >> 18))
            buffer.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            buffer.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            buffer.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    /// Checks the multi-byte sequence at `position` against the well-formed table of Unicode §3.9 (Table 3-7),
    /// the same set RFC 3629 §4 defines; returns its length. Rejects overlong forms, UTF-8-encoded surrogates,
    /// code points above U+10FFFF, stray continuation bytes and truncated sequences.
    private func validateUTF8Sequence() throws(JSONError) -> Int {
        let lead = input[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x80...0xBF:
            throw error(.invalidUTF8, at: position, "continuation byte 0x\(Self.hex(lead)) without a lead byte")
        case 0xC0, 0xC1:
            throw error(.invalidUTF8, at: position,
                        "lead byte 0x\(Self.hex(lead)) starts an overlong 2-byte encoding")
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xE1...0xEF:
            length = 3
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3:
            length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default:
            throw error(.invalidUTF8, at: position,
                        "byte 0x\(Self.hex(lead)) never occurs in UTF-8 (it would encode above U+10FFFF)")
        }
        for index in 1..<length {
            guard position + index < input.count else {
                throw error(.invalidUTF8, at: position,
                            "\(length)-byte UTF-8 sequence truncated by the end of input after \(index) bytes")
            }
            let byte = input[position + index]
            let allowed = index == 1 ? secondRange : 0x80...0xBF
            if allowed.contains(byte) { continue }
            if index == 1 && (0x80...0xBF).contains(byte) {
                throw error(.invalidUTF8, at: position, secondByteReason(lead: lead, second: byte))
            }
            throw error(.invalidUTF8, at: position,
                        "\(length)-byte UTF-8 sequence truncated: byte \(index + 1) is 0x\(Self.hex(byte))")
        }
        return length
    }

    private func secondByteReason(lead: UInt8, second: UInt8) -> String {
        let pair = "0x\(Self.hex(lead)) 0x\(Self.hex(second))"
        switch lead {
        case 0xE0, 0xF0: return "overlong encoding starting \(pair)"
        case 0xED: return "UTF-16 surrogate encoded in UTF-8 starting \(pair)"
        default: return "code point above U+10FFFF starting \(pair)"
        }
    }
}

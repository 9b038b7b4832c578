@testable import CanonicalJSON

// Test-only copy of the parser as it stood before it was made cheaper for the audit (commit acac7b0):
// simple, path kept for every value, two hash look-ups per member. `ParserDifferentialTests` holds the parser to
// exactly its answers: same values, same canonical verdicts, same error codes, offsets, paths and reasons.

/// A strict RFC 8259 parser that accepts exactly the documents RFC 8785 can canonicalize: the I-JSON subset of
/// RFC 7493 (well-formed UTF-8, no lone surrogates, unique member names, numbers that are doubles), within
/// `JSONLimits`. It never guesses: everything RFC 8259 allows a parser to accept "as an extension" is rejected.
///
/// Recursive descent; the recursion depth is bounded by `JSONLimits.maxDepth` (itself capped), so hostile nesting
/// costs a typed error, not the stack.
struct ReferenceJSONParser {
    let input: [UInt8]
    let limits: JSONLimits
    var position = 0
    var depth = 0
    var path = JSONPath()
    /// Whether everything read so far is exactly in RFC 8785 form, i.e. whether writing the parsed value back
    /// canonically would give the bytes read (no white space, members in canonical order, each string and number
    /// spelled as `CanonicalWriter` spells it). Lets a reader of stored canonical JSON skip re-serializing it.
    var isCanonical = true

    init(_ input: [UInt8], limits: JSONLimits) {
        self.input = input
        self.limits = limits
    }

    /// RFC 8259 §2: `JSON-text = ws value ws`, and nothing else.
    mutating func parseDocument() throws(JSONError) -> JSONValue {
        guard input.count <= limits.maxInputBytes else {
            throw error(.inputTooLarge, at: 0,
                        "input of \(input.count) bytes exceeds the limit of \(limits.maxInputBytes) bytes")
        }
        let value = try parseValue()
        skipWhitespace()
        if position < input.count {
            throw error(.trailingData, at: position,
                        "\(describe(input[position])) after the end of the top-level value")
        }
        return value
    }

    mutating func parseValue() throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard position < input.count else {
            throw error(.unexpectedEnd, at: position, "input ended at byte \(position) where a value was expected")
        }
        switch input[position] {
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            let number = try parseNumber()
            if isCanonical, !input[start..<position].elementsEqual(ShortestDecimal(number).ecmaScriptBytes) {
                isCanonical = false
            }
            return .number(number)
        case let byte:
            throw error(.unexpectedByte, at: position, "\(describe(byte)) where a value was expected")
        }
    }

    private mutating func parseObject() throws(JSONError) -> JSONValue {
        try enterContainer()
        position += 1
        var members: [String: JSONValue] = [:]
        /// The previous member's name, while the object is still in canonical order (RFC 8785 §3.2.3).
        var previousKey: String?
        skipWhitespace()
        if try peek(expecting: "a member name or '}'") == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            let keyStart = position
            guard try peek(expecting: "a member name") == UInt8(ascii: "\"") else {
                throw error(.unexpectedByte, at: position,
                            "\(describe(input[position])) where a quoted member name was expected")
            }
            let key = try parseString()
            if let index = members.index(forKey: key) {
                let earlier = members[index].key
                let how = earlier.unicodeScalars.elementsEqual(key.unicodeScalars)
                    ? "appears twice in one object"
                    : "is canonically equivalent to the earlier name \(earlier.debugDescription)"
                throw JSONError(.duplicateKey, offset: keyStart, path: path.appending(.key(key)).description,
                                "member name \(key.debugDescription) \(how)")
            }
            if isCanonical {
                if let previousKey, !previousKey.utf16.lexicographicallyPrecedes(key.utf16) { isCanonical = false }
                previousKey = key
            }
            skipWhitespace()
            guard try peek(expecting: "':'") == UInt8(ascii: ":") else {
                throw error(.unexpectedByte, at: position,
                            "\(describe(input[position])) where ':' was expected after a member name")
            }
            position += 1
            path.append(.key(key))
            members[key] = try parseValue()
            path.removeLast()
            skipWhitespace()
            switch try peek(expecting: "',' or '}'") {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(members)
            case let byte:
                throw error(.unexpectedByte, at: position, "\(describe(byte)) where ',' or '}' was expected")
            }
        }
    }

    private mutating func parseArray() throws(JSONError) -> JSONValue {
        try enterContainer()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if try peek(expecting: "a value or ']'") == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            path.append(.index(elements.count))
            elements.append(try parseValue())
            path.removeLast()
            skipWhitespace()
            switch try peek(expecting: "',' or ']'") {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(elements)
            case let byte:
                throw error(.unexpectedByte, at: position, "\(describe(byte)) where ',' or ']' was expected")
            }
        }
    }

    private mutating func enterContainer() throws(JSONError) {
        depth += 1
        if depth > limits.maxDepth {
            throw error(.tooDeep, at: position,
                        "nesting depth \(depth) exceeds the limit of \(limits.maxDepth)")
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(JSONError) {
        let start = position
        var expected = 0
        while expected < word.utf8CodeUnitCount {
            let want = word.utf8Start[expected]
            guard position < input.count else {
                throw error(.unexpectedEnd, at: position, "input ended inside the literal '\(word)'")
            }
            guard input[position] == want else {
                throw error(.unexpectedByte, at: start, "not a JSON literal; only true, false and null are")
            }
            position += 1
            expected += 1
        }
    }

    /// The byte at the current position, or an `unexpectedEnd` error naming what was expected.
    private func peek(expecting what: String) throws(JSONError) -> UInt8 {
        guard position < input.count else {
            throw error(.unexpectedEnd, at: position, "input ended at byte \(position) where \(what) was expected")
        }
        return input[position]
    }

    /// RFC 8259 §2: the four insignificant whitespace bytes, nothing else (no BOM, no NBSP, no comments).
    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x09, 0x0A, 0x0D:
                isCanonical = false
                position += 1
            default:
                return
            }
        }
    }

    func error(_ code: JSONError.Code, at offset: Int, _ reason: String) -> JSONError {
        JSONError(code, offset: offset, path: path.description, reason)
    }

    /// A byte as a reader would want to see it in an error message.
    func describe(_ byte: UInt8) -> String {
        let hex = Self.hex(byte)
        if byte >= 0x21 && byte < 0x7F {
            return "byte '\(Character(Unicode.Scalar(byte)))' (0x\(hex))"
        }
        return "byte 0x\(hex)"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }
}

/// A strict RFC 8259 parser that accepts exactly the documents RFC 8785 can canonicalize: the I-JSON subset of
/// RFC 7493 (well-formed UTF-8, no lone surrogates, unique member names, numbers that are doubles), within
/// `JSONLimits`. It never guesses: everything RFC 8259 allows a parser to accept "as an extension" is rejected.
///
/// Recursive descent; the recursion depth is bounded by `JSONLimits.maxDepth` (itself capped), so hostile nesting
/// costs a typed error, not the stack.
///
/// The audit parses every submission of the log, so the path to a value is not kept while parsing:
/// errors are thrown with an empty path, each container on the way out adds its component to `errorPath`, and
/// `parseDocument` renders it once.
struct JSONParser {
    /// The bytes being parsed. Points into the caller's array, so it is valid only inside the closure of
    /// `parse(_:limits:)`, the one place a parser is made; read without bounds checks in release builds, so every
    /// read is guarded by `position < input.count` (debug builds, where the tests run, still check).
    let input: UnsafeBufferPointer<UInt8>
    let limits: JSONLimits
    var position = 0
    var depth = 0
    /// The path of the error being thrown, innermost component first; empty unless an error is propagating.
    var errorPath: [JSONPath.Component] = []
    /// Members of the objects being read, outermost object's first; one buffer for all levels, so that an object
    /// costs no array of its own and its dictionary is built once at its size (`JSONParser+Containers`).
    var pendingMembers: [PendingMember] = []
    /// Whether everything read so far is exactly in RFC 8785 form, i.e. whether writing the parsed value back
    /// canonically would give the bytes read (no white space, members in canonical order, each string and number
    /// spelled as `CanonicalWriter` spells it). Lets a reader of stored canonical JSON skip re-serializing it.
    var isCanonical = true
    /// Whether the string `parseString` last returned was written without escapes, i.e. is the input's bytes
    /// between its quotes (which lets member names be ordered by comparing those bytes).
    var lastStringWasVerbatim = false

    private init(_ input: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.input = input
        self.limits = limits
    }

    /// Parses `bytes` as one JSON text; tells whether they are in RFC 8785 form (see `isCanonical`).
    static func parse(_ bytes: [UInt8], limits: JSONLimits) throws(JSONError) -> (value: JSONValue, isCanonical: Bool) {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in
            var parser = JSONParser(buffer, limits: limits)
            let value = try parser.parseDocument()
            return (value, parser.isCanonical)
        }
    }

    /// RFC 8259 §2: `JSON-text = ws value ws`, and nothing else.
    private mutating func parseDocument() throws(JSONError) -> JSONValue {
        guard input.count <= limits.maxInputBytes else {
            throw error(.inputTooLarge, at: 0,
                        "input of \(input.count) bytes exceeds the limit of \(limits.maxInputBytes) bytes")
        }
        let value: JSONValue
        do {
            value = try parseValue()
        } catch {
            throw JSONError(error.code, offset: error.offset, path: JSONPath(errorPath.reversed()).description,
                            error.reason)
        }
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
            if isCanonical, !isShortSafeInteger(start..<position),
               !input[start..<position].elementsEqual(ShortestDecimal(number).ecmaScriptBytes) {
                isCanonical = false
            }
            return .number(number)
        case let byte:
            throw error(.unexpectedByte, at: position, "\(describe(byte)) where a value was expected")
        }
    }

    mutating func enterContainer() throws(JSONError) {
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
    @inline(__always)
    func peek(expecting what: StaticString) throws(JSONError) -> UInt8 {
        guard position < input.count else { throw endOfInput(expecting: what) }
        return input[position]
    }

    @inline(never)
    private func endOfInput(expecting what: StaticString) -> JSONError {
        error(.unexpectedEnd, at: position, "input ended at byte \(position) where \(what) was expected")
    }

    /// RFC 8259 §2: the four insignificant whitespace bytes, nothing else (no BOM, no NBSP, no comments).
    @inline(__always)
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

    /// An error without its path: the containers it passes through add theirs (see `errorPath`).
    func error(_ code: JSONError.Code, at offset: Int, _ reason: String) -> JSONError {
        JSONError(code, offset: offset, reason)
    }

    /// A byte as a reader would want to see it in an error message.
    func describe(_ byte: UInt8) -> String {
        let hex = JSONParser.hex(byte)
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

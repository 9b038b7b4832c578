/// Bytes that are already RFC 8785 canonical JSON, read without building a `JSONValue` tree: one pass checks that
/// they are exactly canonical and notes where each value lies; a reader then looks members up by name and turns
/// into `String`s only the values it uses. What an audit needs for the millions of stored payloads it reads.
///
/// Only a plain subset is taken: strings without escapes, member names in ASCII, numbers that are integers of at
/// most 15 digits, no white space anywhere, members in canonical order. For everything else — any other spelling,
/// or JSON that is not canonical, or not JSON at all — the initializer answers nil and the caller uses the strict
/// parser (`JSONValue.parse`), which accepts or names the problem. Whenever it answers, the strict parser accepts
/// the same bytes as canonical (`parseCheckingCanonical` says `isCanonical`) and gives the same value
/// (`Value.jsonValue()`); `CanonicalTapeTests` hold it to that on random documents and mutants.
///
/// Why the subset is safe: within it the canonical form is the only spelling (no escapes to choose, integers below
/// 2^53 print as their digits in ECMAScript, ASCII names order the same by UTF-8 and UTF-16 bytes), strictly
/// increasing names cannot repeat, and the UTF-8 check is that of the strict parser (Unicode Table 3-7).
public final class CanonicalTape: Sendable {
    /// The JSON type of a value.
    public enum Kind: UInt8, Sendable {
        case null, bool, number, string, array, object
    }

    /// One value: where its bytes are, and for containers how many members or elements follow it and where the
    /// value after its subtree starts. An object's children are its names (as strings) and values, alternating.
    struct Node {
        var kind: Kind
        var flag = false
        var start: Int32
        var end: Int32 = 0
        var count: Int32 = 0
        var next: Int32 = 0
    }

    /// The bytes read.
    public let bytes: [UInt8]
    let nodes: [Node]

    /// Reads `bytes` if they are canonical JSON in the plain subset, within `limits` (depth and size, as the
    /// strict parser counts them); nil otherwise.
    public init?(_ bytes: [UInt8], limits: JSONLimits = .default) {
        guard !bytes.isEmpty, bytes.count <= limits.maxInputBytes, bytes.count < Int(Int32.max) else { return nil }
        var reader = Reader(maxDepth: limits.maxDepth)
        reader.nodes.reserveCapacity(bytes.count / 12 + 4)
        let read = bytes.withUnsafeBufferPointer { buffer in
            reader.value(buffer) && reader.position == buffer.count
        }
        guard read else { return nil }
        self.bytes = bytes
        nodes = reader.nodes
    }

    /// The top-level value.
    public var root: Value { Value(tape: self, index: 0) }

    /// One value of the tape.
    public struct Value: Sendable {
        let tape: CanonicalTape
        let index: Int

        var node: Node { tape.nodes[index] }

        public var kind: Kind { node.kind }

        public var isNull: Bool { node.kind == .null }

        public var bool: Bool? { node.kind == .bool ? node.flag : nil }

        /// The number (always an integer of at most 15 digits here, so exactly a double).
        public var number: Double? {
            let node = node
            guard node.kind == .number else { return nil }
            var position = Int(node.start), negative = false, magnitude: Int64 = 0
            if tape.bytes[position] == UInt8(ascii: "-") {
                negative = true
                position += 1
            }
            while position < Int(node.end) {
                magnitude = magnitude * 10 + Int64(tape.bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
            return Double(negative ? -magnitude : magnitude)
        }

        /// The string (no escapes in the subset: its bytes between the quotes, already checked as UTF-8).
        public var string: String? {
            let node = node
            guard node.kind == .string else { return nil }
            return String(decoding: tape.bytes[Int(node.start)..<Int(node.end)], as: UTF8.self)
        }

        /// Calls `body` with the UTF-8 bytes of a string value, read in place (no `String` is made: what a reader
        /// that only checks or decodes the text wants, e.g. a hex digest); nil when this is not a string.
        public func withStringUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
            let node = node
            guard node.kind == .string else { return nil }
            return try tape.bytes.withUnsafeBufferPointer { bytes in
                try body(UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)]))
            }
        }

        /// The byte range of this value within the tape's bytes (of a string: between its quotes).
        public var byteRange: Range<Int> {
            let node = node
            return Int(node.start)..<Int(node.end)
        }

        /// Members of an object or elements of an array; nil for other values.
        public var count: Int? {
            let node = node
            return node.kind == .object || node.kind == .array ? Int(node.count) : nil
        }

        /// The member named `name` of an object; nil when absent or not an object.
        public func member(_ name: String) -> Value? {
            let node = node
            guard node.kind == .object else { return nil }
            var name = name
            let found: Int? = name.withUTF8 { wanted in
                tape.bytes.withUnsafeBufferPointer { bytes in
                    tape.nodes.withUnsafeBufferPointer { nodes in
                        var child = index + 1
                        for _ in 0..<node.count {
                            let key = nodes[child]
                            if Int(key.end - key.start) == wanted.count,
                               Self.equal(bytes, from: Int(key.start), wanted) { return child + 1 }
                            child = Int(nodes[child + 1].next)
                        }
                        return nil
                    }
                }
            }
            return found.map { Value(tape: tape, index: $0) }
        }

        private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                                  _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
            for offset in 0..<wanted.count where bytes[start + offset] != wanted[offset] { return false }
            return true
        }

        /// The elements of an array, in order; nil when not an array.
        public var elements: [Value]? {
            let node = node
            guard node.kind == .array else { return nil }
            var result: [Value] = [], child = index + 1
            result.reserveCapacity(Int(node.count))
            for _ in 0..<node.count {
                result.append(Value(tape: tape, index: child))
                child = Int(tape.nodes[child].next)
            }
            return result
        }

        /// The members of an object as name–value pairs, in canonical order; nil when not an object.
        public var members: [(name: String, value: Value)]? {
            let node = node
            guard node.kind == .object else { return nil }
            var result: [(name: String, value: Value)] = [], child = index + 1
            result.reserveCapacity(Int(node.count))
            for _ in 0..<node.count {
                let name = Value(tape: tape, index: child).string ?? ""
                result.append((name, Value(tape: tape, index: child + 1)))
                child = Int(tape.nodes[child + 1].next)
            }
            return result
        }

        /// The same value as a tree (what the strict parser would have returned for these bytes).
        public func jsonValue() -> JSONValue {
            switch kind {
            case .null: return .null
            case .bool: return .bool(bool ?? false)
            case .number: return .number(number ?? 0)
            case .string: return .string(string ?? "")
            case .array: return .array((elements ?? []).map { $0.jsonValue() })
            case .object:
                var object: [String: JSONValue] = [:]
                for (name, value) in members ?? [] { object[name] = value.jsonValue() }
                return .object(object)
            }
        }
    }
}

extension CanonicalTape {
    /// The one pass: recursive descent that answers false as soon as the bytes leave the subset.
    struct Reader {
        let maxDepth: Int
        var nodes: [Node] = []
        var position = 0
        var depth = 0

        init(maxDepth: Int) {
            self.maxDepth = maxDepth
        }

        mutating func value(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
            guard position < input.count else { return false }
            switch input[position] {
            case UInt8(ascii: "{"): return container(input, object: true)
            case UInt8(ascii: "["): return container(input, object: false)
            case UInt8(ascii: "\""): return string(input, name: false)
            case UInt8(ascii: "t"): return literal(input, "true", .bool, flag: true)
            case UInt8(ascii: "f"): return literal(input, "false", .bool, flag: false)
            case UInt8(ascii: "n"): return literal(input, "null", .null, flag: false)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number(input)
            default: return false
            }
        }

        /// An object (names in strictly increasing order, each followed by `:` and a value) or an array.
        private mutating func container(_ input: UnsafeBufferPointer<UInt8>, object: Bool) -> Bool {
            depth += 1
            guard depth <= maxDepth else { return false }
            let closer = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let me = nodes.count
            nodes.append(Node(kind: object ? .object : .array, start: Int32(position)))
            position += 1
            var count: Int32 = 0
            var previousName: Range<Int>?
            if position < input.count, input[position] == closer {
                position += 1
            } else {
                while true {
                    if object {
                        let nameStart = position + 1
                        guard position < input.count, input[position] == UInt8(ascii: "\""),
                              string(input, name: true) else { return false }
                        let name = nameStart..<(position - 1)
                        if let previous = previousName, !Self.precedes(input, previous, name) { return false }
                        previousName = name
                        guard position < input.count, input[position] == UInt8(ascii: ":") else { return false }
                        position += 1
                    }
                    guard value(input) else { return false }
                    count += 1
                    guard position < input.count else { return false }
                    if input[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if input[position] == closer {
                        position += 1
                        break
                    } else {
                        return false
                    }
                }
            }
            depth -= 1
            close(me, count: count)
            return true
        }

        private mutating func close(_ index: Int, count: Int32) {
            nodes[index].end = Int32(position)
            nodes[index].count = count
            nodes[index].next = Int32(nodes.count)
        }

        /// A string with no escape and no control character, in well-formed UTF-8 (ASCII only for a name).
        private mutating func string(_ input: UnsafeBufferPointer<UInt8>, name: Bool) -> Bool {
            position += 1
            let start = position
            while true {
                skipPlainASCIIWords(input)
                guard position < input.count else { return false }
                let byte = input[position]
                if byte == UInt8(ascii: "\"") {
                    nodes.append(Node(kind: .string, start: Int32(start), end: Int32(position),
                                      next: Int32(nodes.count + 1)))
                    position += 1
                    return true
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return false }
                if byte < 0x80 {
                    position += 1
                } else {
                    guard !name, let length = Self.utf8Sequence(input, at: position) else { return false }
                    position += length
                }
            }
        }

        /// Advances `position` over whole 8-byte words of ASCII that is neither a quote, a backslash nor a control
        /// character (the strict parser's word test, `JSONParser.skipPlainASCIIWords`); the byte loop of `string`
        /// judges the word that stops it, byte by byte.
        @inline(__always)
        private mutating func skipPlainASCIIWords(_ input: UnsafeBufferPointer<UInt8>) {
            guard let base = input.baseAddress else { return }
            let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
            while position + 8 <= input.count {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                // A byte is zero in `x` exactly when `(x - 1) & ~x` has its high bit (a borrow may also flag a
                // byte above a true match, never a word without one); `(x - 0x20) & ~x` likewise flags a byte below
                // 0x20, and `word` itself flags a byte of 0x80 or more.
                let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
                let flags = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                    | ((word &- ones &* 0x20) & ~word) | word
                if flags & high != 0 { return }
                position += 8
            }
        }

        /// `-`? then `0` or a digit 1–9 and up to 14 more digits, ending where a value may end; not `-0`.
        private mutating func number(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
            let start = position
            if input[position] == UInt8(ascii: "-") { position += 1 }
            let digitsStart = position
            while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
                position += 1
            }
            let digits = position - digitsStart
            guard (1...15).contains(digits) else { return false }
            if input[digitsStart] == UInt8(ascii: "0") && (digits > 1 || digitsStart > start) { return false }
            if position < input.count {
                switch input[position] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): break
                default: return false
                }
            }
            nodes.append(Node(kind: .number, start: Int32(start), end: Int32(position), next: Int32(nodes.count + 1)))
            return true
        }

        private mutating func literal(_ input: UnsafeBufferPointer<UInt8>, _ word: StaticString, _ kind: Kind,
                                      flag: Bool) -> Bool {
            let length = word.utf8CodeUnitCount
            guard input.count - position >= length else { return false }
            for offset in 0..<length where input[position + offset] != word.utf8Start[offset] { return false }
            nodes.append(Node(kind: kind, flag: flag, start: Int32(position), end: Int32(position + length),
                              next: Int32(nodes.count + 1)))
            position += length
            return true
        }

        /// Whether name `a` sorts strictly before name `b` (ASCII: byte order is UTF-16 order).
        private static func precedes(_ input: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
            var i = a.lowerBound, j = b.lowerBound
            while i < a.upperBound, j < b.upperBound {
                if input[i] != input[j] { return input[i] < input[j] }
                i += 1
                j += 1
            }
            return a.count < b.count
        }

        /// The length of the well-formed multi-byte UTF-8 sequence at `position` (Unicode Table 3-7), or nil.
        private static func utf8Sequence(_ input: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
            let lead = input[position]
            let length: Int
            var second: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; second = 0xA0...0xBF
            case 0xED: length = 3; second = 0x80...0x9F
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xF0: length = 4; second = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; second = 0x80...0x8F
            default: return nil
            }
            guard input.count - position >= length, second.contains(input[position + 1]) else { return nil }
            for offset in 2..<max(2, length) where !(0x80...0xBF).contains(input[position + offset]) { return nil }
            return length
        }
    }
}

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
            return tape.bytes.withUnsafeBufferPointer { bytes in
                String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)]), as: UTF8.self)
            }
        }

        /// Calls `body` with the UTF-8 bytes of a string value, read in place (no `String` is made: what a reader
        /// that only checks or decodes the text wants, e.g. a hex digest); nil when this is not a string.
        package func withStringUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
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
            var cursor = memberCursor
            return cursor?.member(name)
        }

        /// A reader of this object's members by name that resumes where its last look-up ended; nil when this is
        /// not an object.
        public var memberCursor: MemberCursor? { MemberCursor(self) }

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

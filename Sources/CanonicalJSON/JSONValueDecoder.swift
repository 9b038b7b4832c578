/// The `Decoder` behind `CanonicalJSONDecoder`: reads a parsed `JSONValue` tree, converts scalars without any
/// coercion, and logs which members of which objects the type read so that unknown ones can be rejected.
final class JSONValueDecoder: Decoder {
    let value: JSONValue
    let state: DecodingState
    /// The decoder one level up and the key of this value in it (nil at the root). The path is kept as this chain
    /// and spelled out only when asked for (errors): building an array per member was a tenth of an audit's
    /// decoding time.
    let parent: JSONValueDecoder?
    let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// One log per decoder, so that containers opened twice on one object (a class and its superclass) share it.
    private var readLog: ObjectReadLog?

    /// The decoder of a whole document.
    init(value: JSONValue, state: DecodingState) {
        self.value = value
        self.state = state
        self.parent = nil
        self.key = nil
    }

    private init(value: JSONValue, parent: JSONValueDecoder, key: any CodingKey) {
        self.value = value
        self.state = parent.state
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var node: JSONValueDecoder? = self
        while let current = node, let key = current.key {
            path.append(key)
            node = current.parent
        }
        return path.reversed()
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw mismatch(expected: "object", found: value)
        }
        let log = readLog ?? state.newLog(members: members, decoder: self)
        readLog = log
        return KeyedDecodingContainer(JSONKeyedDecodingContainer<Key>(decoder: self, log: log))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw mismatch(expected: "array", found: value)
        }
        return JSONUnkeyedDecodingContainer(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        JSONSingleValueDecodingContainer(decoder: self)
    }

    func child(_ value: JSONValue, key: any CodingKey) -> JSONValueDecoder {
        JSONValueDecoder(value: value, parent: self, key: key)
    }

    /// Decodes any type from this decoder's value; `JSONValue` is handed over whole.
    func decodeGeneric<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self, let raw = value as? T {
            return raw
        }
        do {
            return try T(from: self)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.count == codingPath.count {
            // A string enum meeting a value it does not have: the standard library says "Cannot initialize T from
            // invalid String value …"; the answer names the accepted values and the start of what was sent.
            guard case .string(let text) = value, let accepted = Self.caseNames(T.self) else {
                throw DecodingError.dataCorrupted(context)
            }
            let sent = text.count <= 32 ? text : text.prefix(32) + "…"
            throw JSONError(.invalidValue, path: pathString,
                            "must be one of \(accepted.joined(separator: ", ")); got \"\(sent)\"")
        }
    }

    /// The raw values of a string enum, or nil for any other type.
    static func caseNames<T>(_ type: T.Type) -> [String]? {
        guard let enumeration = type as? any (CaseIterable & RawRepresentable).Type else { return nil }
        return rawValues(enumeration)
    }

    private static func rawValues<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> [String]? {
        let names = E.allCases.compactMap { $0.rawValue as? String }
        return names.isEmpty ? nil : names
    }

    var pathString: String {
        JSONPath(codingPath: codingPath).description
    }

    func mismatch(expected: String, found: JSONValue) -> JSONError {
        JSONError(.typeMismatch, path: pathString, "expected \(expected), found \(found.typeName)")
    }

    // MARK: Scalars, without coercion

    func decodeBool() throws(JSONError) -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(expected: "boolean", found: value) }
        return flag
    }

    func decodeString() throws(JSONError) -> String {
        guard case .string(let text) = value else { throw mismatch(expected: "string", found: value) }
        return text
    }

    func decodeDouble() throws(JSONError) -> Double {
        guard case .number(let number) = value else { throw mismatch(expected: "number", found: value) }
        return number
    }

    func decodeFloat() throws(JSONError) -> Float {
        let number = try decodeDouble()
        guard number.magnitude <= Double(Float.greatestFiniteMagnitude) else {
            throw JSONError(.integerOutOfRange, path: pathString,
                            "\(spelled(number)) is beyond the largest Float \(Float.greatestFiniteMagnitude)")
        }
        return Float(number)
    }

    /// Integers: whole, within ±(2^53 − 1) (beyond it a double no longer tells neighbours apart, RFC 7493 §2.2),
    /// and within the Swift type's own range.
    func decodeInteger<I: FixedWidthInteger>(_ type: I.Type) throws(JSONError) -> I {
        let number = try decodeDouble()
        guard number.rounded(.towardZero) == number else {
            throw JSONError(.notAnInteger, path: pathString,
                            "\(spelled(number)) has a fractional part where an integer (\(I.self)) is expected")
        }
        guard number.magnitude <= Double(JSONInteger.maxExact) else {
            throw JSONError(.integerOutOfRange, path: pathString,
                            "\(spelled(number)) is outside ±9007199254740991 (2^53 − 1); larger integers "
                                + "are not exact in JSON (RFC 7493 §2.2)")
        }
        guard let integer = I(exactly: number) else {
            throw JSONError(.integerOutOfRange, path: pathString,
                            "\(spelled(number)) is out of range for \(I.self) (\(I.min)...\(I.max))")
        }
        return integer
    }

    private func spelled(_ number: Double) -> String {
        String(decoding: ShortestDecimal(number).ecmaScriptBytes, as: UTF8.self)
    }
}

/// Shared by all decoders of one `decode` call: the objects opened, for the unknown-key check.
final class DecodingState {
    let rejectUnknownKeys: Bool
    private var logs: [ObjectReadLog] = []

    init(rejectUnknownKeys: Bool) {
        self.rejectUnknownKeys = rejectUnknownKeys
    }

    func newLog(members: [String: JSONValue], decoder: JSONValueDecoder) -> ObjectReadLog {
        let log = ObjectReadLog(members: members, decoder: decoder)
        if rejectUnknownKeys { logs.append(log) }
        return log
    }

    /// Drops the read logs once the decode is over (they reference decoders, which reference this state).
    func forgetLogs() {
        logs = []
    }

    /// Reports the first member never read, objects in the order they were opened, members in canonical order.
    func checkAllKeysRead() throws(JSONError) {
        for log in logs {
            // The common case, every member read, needs no sorting; the canonical order only picks which unknown
            // member an error names.
            // `read` holds only names of members (the containers mark nothing else), so equal counts mean every
            // member was read.
            if log.read.count == log.members.count { continue }
            for (key, _) in JSONValue.canonicalOrder(log.members) where !log.read.contains(key) {
                let path = JSONPath(codingPath: log.codingPath).appending(.key(key))
                throw JSONError(.unknownKey, path: path.description,
                                "member \(key.debugDescription) is not a field of this object")
            }
        }
    }
}

/// The members of one object and the names the decoded type asked for.
final class ObjectReadLog {
    let members: [String: JSONValue]
    /// Where the object is, for an unknown-key error: its decoder's parent and key, not the decoder itself (which
    /// holds this log: a reference back would be a cycle, leaking every decoded object).
    private let parent: JSONValueDecoder?
    private let key: (any CodingKey)?
    var read: Set<String> = []

    init(members: [String: JSONValue], decoder: JSONValueDecoder) {
        self.members = members
        self.parent = decoder.parent
        self.key = decoder.key
        read.reserveCapacity(members.count)
    }

    var codingPath: [any CodingKey] {
        guard let key else { return [] }
        return (parent?.codingPath ?? []) + [key]
    }
}

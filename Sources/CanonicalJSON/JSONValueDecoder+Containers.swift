/// The three `Codable` decoding containers of `JSONValueDecoder`. Scalars are decoded by a child decoder so that
/// one set of conversion rules (and one path in every error) serves keyed, unkeyed and single values alike.
struct JSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: JSONValueDecoder
    let log: ObjectReadLog
    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        JSONValue.canonicalOrder(log.members).compactMap { Key(stringValue: $0.key) }
    }

    func contains(_ key: Key) -> Bool {
        log.members[key.stringValue] != nil
    }

    /// The child decoder for `key`, marking the member as read; a missing member is `missingKey`.
    private func child(_ key: Key) throws(JSONError) -> JSONValueDecoder {
        decoder.child(try member(key), key: key)
    }

    /// The member named `key`, marked read; only members that exist are marked, so the read names are always a
    /// subset of the members (`DecodingState.checkAllKeysRead` counts on it).
    private func member(_ key: Key) throws(JSONError) -> JSONValue {
        let name = key.stringValue
        guard let member = log.members[name] else {
            let path = JSONPath(codingPath: codingPath + [key]).description
            throw JSONError(.missingKey, path: path, "required member \"\(name)\" is missing")
        }
        log.read.insert(name)
        return member
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decodeBool() }

    /// Strings are most of a record's members: read in place, with a child decoder made only for the error.
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let value = try member(key)
        if case .string(let text) = value { return text }
        return try decoder.child(value, key: key).decodeString()
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decodeDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).decodeFloat() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decodeGeneric(type)
    }

    /// One look-up instead of the default's three (`contains`, `decodeNil`, `decode`): absent or null is nil.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let member = log.members[key.stringValue] else { return nil }
        log.read.insert(key.stringValue)
        if member.isNull { return nil }
        return try decoder.child(member, key: key).decodeGeneric(type)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let member = log.members[key.stringValue] else { return nil }
        log.read.insert(key.stringValue)
        if case .string(let text) = member { return text }
        if member.isNull { return nil }
        return try decoder.child(member, key: key).decodeString()
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        if log.members["super"] != nil { log.read.insert("super") }
        let key = JSONNameKey("super")
        return decoder.child(log.members["super"] ?? .null, key: key)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        if log.members[key.stringValue] != nil { log.read.insert(key.stringValue) }
        return decoder.child(log.members[key.stringValue] ?? .null, key: key)
    }
}

struct JSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: JSONValueDecoder
    let elements: [JSONValue]
    private(set) var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(decoder: JSONValueDecoder, elements: [JSONValue]) {
        self.decoder = decoder
        self.elements = elements
    }

    /// The child decoder for the next element, advancing; past the end is `missingElement`.
    private mutating func next() throws(JSONError) -> JSONValueDecoder {
        guard !isAtEnd else {
            let path = JSONPath(codingPath: codingPath + [JSONIndexKey(currentIndex)]).description
            throw JSONError(.missingElement, path: path,
                            "array has \(elements.count) elements; element \(currentIndex) was expected")
        }
        let child = decoder.child(elements[currentIndex], key: JSONIndexKey(currentIndex))
        currentIndex += 1
        return child
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else {
            if isAtEnd { _ = try next() }
            return false
        }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next().decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decodeDouble() }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decodeFloat() }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decodeInteger(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decodeInteger(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decodeInteger(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next().decodeGeneric(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try next()
    }
}

struct JSONSingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: JSONValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decodeFloat() }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeGeneric(type)
    }
}

/// The three `Codable` encoding containers of `JSONValueEncoder`. Every primitive goes through the encoder's
/// `number` checks, so the integer and finiteness rules hold whichever container a type uses.
struct JSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONValueEncoder
    let storage: ObjectStorage
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func slot(for key: Key) -> EncodingSlot {
        let slot = EncodingSlot()
        storage.members[key.stringValue] = slot
        return slot
    }

    private func put(_ make: (JSONValueEncoder) throws -> JSONValue, forKey key: Key) throws {
        let child = encoder.child(slot(for: key), key: key)
        try child.setValue(try make(child))
    }

    mutating func encodeNil(forKey key: Key) throws { try put({ _ in .null }, forKey: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try put({ _ in .bool(value) }, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try put({ _ in .string(value) }, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try put({ try $0.number(Double(value)) }, forKey: key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try put({ try $0.number(value) }, forKey: key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.child(slot(for: key), key: key).encodeGeneric(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        encoder.child(slot(for: key), key: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.child(slot(for: key), key: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let key = JSONNameKey("super")
        let slot = EncodingSlot()
        storage.members[key.stringValue] = slot
        return encoder.child(slot, key: key)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.child(slot(for: key), key: key)
    }
}

struct JSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: JSONValueEncoder
    let storage: ArrayStorage
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { storage.items.count }

    private func nextChild() -> JSONValueEncoder {
        let slot = EncodingSlot()
        let key = JSONIndexKey(storage.items.count)
        storage.items.append(slot)
        return encoder.child(slot, key: key)
    }

    private func put(_ make: (JSONValueEncoder) throws -> JSONValue) throws {
        let child = nextChild()
        try child.setValue(try make(child))
    }

    mutating func encodeNil() throws { try put { _ in .null } }
    mutating func encode(_ value: Bool) throws { try put { _ in .bool(value) } }
    mutating func encode(_ value: String) throws { try put { _ in .string(value) } }
    mutating func encode(_ value: Double) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: Float) throws { try put { try $0.number(Double(value)) } }
    mutating func encode(_ value: Int) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: Int8) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: Int16) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: Int32) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: Int64) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: UInt) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: UInt8) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: UInt16) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: UInt32) throws { try put { try $0.number(value) } }
    mutating func encode(_ value: UInt64) throws { try put { try $0.number(value) } }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try nextChild().encodeGeneric(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        nextChild().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        nextChild().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        nextChild()
    }
}

struct JSONSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { try encoder.setValue(.null) }
    mutating func encode(_ value: Bool) throws { try encoder.setValue(.bool(value)) }
    mutating func encode(_ value: String) throws { try encoder.setValue(.string(value)) }
    mutating func encode(_ value: Double) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: Float) throws { try encoder.setValue(try encoder.number(Double(value))) }
    mutating func encode(_ value: Int) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: Int8) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: Int16) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: Int32) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: Int64) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: UInt) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: UInt8) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: UInt16) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: UInt32) throws { try encoder.setValue(try encoder.number(value)) }
    mutating func encode(_ value: UInt64) throws { try encoder.setValue(try encoder.number(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.encodeGeneric(value)
    }
}

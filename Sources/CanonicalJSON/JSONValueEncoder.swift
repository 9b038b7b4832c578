/// The `Encoder` behind `CanonicalJSONEncoder`. Containers write into reference-typed slots (a nested container
/// must keep writing after it is handed out), and the finished tree is resolved into a `JSONValue` at the end.
///
/// `Encoder`'s container methods cannot throw, so a misuse (asking one slot for two kinds of container) is
/// recorded in `EncodingState` and reported when encoding finishes, instead of trapping as Foundation does.
final class JSONValueEncoder: Encoder {
    let slot: EncodingSlot
    let state: EncodingState
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(slot: EncodingSlot, state: EncodingState, codingPath: [any CodingKey]) {
        self.slot = slot
        self.state = state
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let storage: ObjectStorage
        switch slot.content {
        case .object(let existing):
            storage = existing
        case .empty:
            storage = ObjectStorage()
            slot.content = .object(storage)
        case .value, .array:
            state.record(JSONError(.invalidValue, path: pathString, "an object was requested where a value "
                + "of another kind was already encoded"))
            storage = ObjectStorage()
        }
        return KeyedEncodingContainer(JSONKeyedEncodingContainer<Key>(encoder: self, storage: storage))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let storage: ArrayStorage
        switch slot.content {
        case .array(let existing):
            storage = existing
        case .empty:
            storage = ArrayStorage()
            slot.content = .array(storage)
        case .value, .object:
            state.record(JSONError(.invalidValue, path: pathString, "an array was requested where a value "
                + "of another kind was already encoded"))
            storage = ArrayStorage()
        }
        return JSONUnkeyedEncodingContainer(encoder: self, storage: storage)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueEncodingContainer(encoder: self)
    }

    var pathString: String {
        JSONPath(codingPath: codingPath).description
    }

    /// An encoder for a child slot one key deeper.
    func child(_ slot: EncodingSlot, key: any CodingKey) -> JSONValueEncoder {
        JSONValueEncoder(slot: slot, state: state, codingPath: codingPath + [key])
    }

    /// Encodes any value into this encoder's slot; `JSONValue` itself is stored as-is after a finiteness check.
    func encodeGeneric<T: Encodable>(_ value: T) throws {
        if let json = value as? JSONValue {
            try setValue(json)
            return
        }
        try value.encode(to: self)
    }

    func setValue(_ value: JSONValue) throws(JSONError) {
        guard case .empty = slot.content else {
            throw JSONError(.invalidValue, path: pathString, "a second value was encoded at the same path")
        }
        try JSONValueEncoder.checkFinite(value, path: JSONPath(codingPath: codingPath))
        slot.content = .value(value)
    }

    /// RFC 8785 §3.2.2.3 has no spelling for NaN or infinity: refuse them rather than write `null`.
    static func checkFinite(_ value: JSONValue, path: JSONPath) throws(JSONError) {
        switch value {
        case .number(let number) where !number.isFinite:
            throw JSONError(.invalidValue, path: path.description,
                            "\(number) is not a finite number; JSON cannot represent it (RFC 8785 §3.2.2.3)")
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                try checkFinite(element, path: path.appending(.index(index)))
            }
        case .object(let members):
            for (key, member) in members {
                try checkFinite(member, path: path.appending(.key(key)))
            }
        default:
            break
        }
    }

    func number<I: BinaryInteger>(_ value: I) throws(JSONError) -> JSONValue {
        guard let wide = Int64(exactly: value), wide.magnitude <= JSONInteger.maxExact.magnitude else {
            throw JSONError(.integerOutOfRange, path: pathString,
                            "integer \(value) is outside ±9007199254740991 (2^53 − 1), the range a JSON number "
                                + "holds exactly (RFC 7493 §2.2)")
        }
        return .number(Double(wide))
    }

    func number(_ value: Double) throws(JSONError) -> JSONValue {
        guard value.isFinite else {
            throw JSONError(.invalidValue, path: pathString,
                            "\(value) is not a finite number; JSON cannot represent it (RFC 8785 §3.2.2.3)")
        }
        return .number(value)
    }
}

/// Collects the first misuse found by a non-throwing `Encoder` method.
final class EncodingState {
    private(set) var firstError: JSONError?

    func record(_ error: JSONError) {
        if firstError == nil { firstError = error }
    }
}

/// One position in the tree being encoded; reference-typed so that containers can keep filling it.
final class EncodingSlot {
    enum Content {
        case empty
        case value(JSONValue)
        case array(ArrayStorage)
        case object(ObjectStorage)
    }

    var content: Content = .empty

    /// The finished value; a slot nothing was written into is an empty object, as with Foundation's encoder.
    func resolve() -> JSONValue {
        switch content {
        case .empty: .object([:])
        case .value(let value): value
        case .array(let storage): .array(storage.items.map { $0.resolve() })
        case .object(let storage): .object(storage.members.mapValues { $0.resolve() })
        }
    }
}

final class ArrayStorage {
    var items: [EncodingSlot] = []
}

final class ObjectStorage {
    var members: [String: EncodingSlot] = [:]
}

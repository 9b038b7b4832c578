/// `JSONValue` as a `Codable` field, so that a record can carry a kind-specific body (`submission.record`) as a
/// raw JSON value. `CanonicalJSONEncoder` and `CanonicalJSONDecoder` store and hand it over whole; with other
/// coders it maps onto their containers.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let json = decoder as? JSONValueDecoder {
            self = json.value
        } else if let keyed = try? decoder.container(keyedBy: JSONNameKey.self) {
            var members: [String: JSONValue] = [:]
            for key in keyed.allKeys {
                members[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key)
            }
            self = .object(members)
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !unkeyed.isAtEnd {
                elements.append(try unkeyed.decode(JSONValue.self))
            }
            self = .array(elements)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let flag = try? single.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? single.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .number(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .string(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .array(let elements):
            var unkeyed = encoder.unkeyedContainer()
            for element in elements { try unkeyed.encode(element) }
        case .object(let members):
            var keyed = encoder.container(keyedBy: JSONNameKey.self)
            for (key, member) in members { try keyed.encode(member, forKey: JSONNameKey(key)) }
        }
    }
}

/// A location inside a JSON document, rendered for `JSONError.path`: member names joined by dots and array
/// indices in brackets (`submission.record.seals[1].type`). Member names that are not plain identifiers are
/// quoted (`record["e-mail address"]`) so that a path never reads ambiguously.
struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    private(set) var components: [Component] = []

    init(_ components: [Component] = []) {
        self.components = components
    }

    /// Builds a path from a `Codable` coding path; the bridge marks array positions with `JSONIndexKey`.
    init(codingPath: [any CodingKey]) {
        components = codingPath.map { key in
            if key is JSONIndexKey, let index = key.intValue {
                return .index(index)
            }
            return .key(key.stringValue)
        }
    }

    mutating func append(_ component: Component) {
        components.append(component)
    }

    mutating func removeLast() {
        components.removeLast()
    }

    func appending(_ component: Component) -> JSONPath {
        var copy = self
        copy.append(component)
        return copy
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key) where JSONPath.isPlainName(key):
                text += text.isEmpty ? key : "." + key
            case .key(let key):
                text += "[" + JSONPath.quoted(key) + "]"
            }
        }
        return text
    }

    /// Plain names are what a reader would type: ASCII letters, digits, `_` and `-`, not starting with a digit.
    private static func isPlainName(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return key.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// The key as a canonical JSON string, so control characters and quotes stay visible and unambiguous.
    private static func quoted(_ key: String) -> String {
        var writer = CanonicalWriter()
        writer.writeString(key)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// The coding key of an array element, as produced by the `Codable` bridge.
struct JSONIndexKey: CodingKey, Sendable {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) {
        intValue = index
    }

    init?(stringValue: String) {
        return nil
    }

    init?(intValue: Int) {
        self.intValue = intValue
    }
}

/// A coding key for arbitrary member names (decoding `JSONValue`, `superEncoder`).
struct JSONNameKey: CodingKey, Sendable {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) {
        stringValue = name
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        return nil
    }
}

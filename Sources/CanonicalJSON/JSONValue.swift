/// A JSON value in the I-JSON subset that RFC 8785 (JCS) canonicalizes: numbers are IEEE-754 doubles
/// (RFC 8785 §3.2.2.3, RFC 7493 §2.2) and object member names are unique (RFC 7493 §2.3).
///
/// Equality is exact: two values are equal exactly when their canonical bytes are equal. Strings and member
/// names therefore compare by Unicode scalars, not by Swift's canonical-equivalence rule (`"é"` precomposed and
/// decomposed differ), and `-0` equals `0` because both serialize as `0`.
///
/// Member names are Swift `String` keys, which Swift compares by canonical equivalence; the parser therefore
/// rejects, as duplicates, two names that differ only in Unicode normalization. That is stricter than RFC 8785
/// and on purpose: look-alike member names in a signed document are a spoofing risk, never a feature.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A finite double. Non-finite doubles can only be built by hand; they serialize as `null`, as
    /// ECMAScript's `JSON.stringify` does, and `CanonicalJSONEncoder` refuses them.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number, if this is one.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member named `key` of an object; `nil` for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// Short type name for error messages ("expected string, found number").
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: Hashable {
    /// Canonical-byte equality (see the type's documentation).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.number(let a), .number(let b)):
            // Bit-level for NaN so that equality stays reflexive; -0 == 0 as both serialize as 0.
            return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)):
            return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { key, value in
                guard let index = b.index(forKey: key) else { return false }
                let other = b[index]
                return other.key.unicodeScalars.elementsEqual(key.unicodeScalars) && other.value == value
            }
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let value):
            hasher.combine(1 as UInt8)
            hasher.combine(value)
        case .number(let value):
            hasher.combine(2 as UInt8)
            hasher.combine(value.isNaN ? Double.nan.bitPattern : (value == 0 ? 0 : value.bitPattern))
        case .string(let value):
            hasher.combine(3 as UInt8)
            JSONValue.hashScalars(value, into: &hasher)
        case .array(let elements):
            hasher.combine(4 as UInt8)
            hasher.combine(elements)
        case .object(let members):
            // Dictionary order is arbitrary: combine members in canonical (UTF-16) order.
            hasher.combine(5 as UInt8)
            hasher.combine(members.count)
            for (key, value) in members.sorted(by: { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }) {
                JSONValue.hashScalars(key, into: &hasher)
                hasher.combine(value)
            }
        }
    }

    private static func hashScalars(_ text: String, into hasher: inout Hasher) {
        hasher.combine(text.utf8.count)
        for byte in text.utf8 { hasher.combine(byte) }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` literal: JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// Boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Integer literal, stored as a double (RFC 8785 §3.2.2.3 has no separate integer type).
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// Floating-point literal.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// String literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Dictionary literal; a repeated key keeps its last value, as in `Dictionary(_:uniquingKeysWith:)`.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

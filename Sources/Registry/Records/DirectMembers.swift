import CanonicalJSON
import LedgerCrypto

/// A JSON value as the fast record readers see it: a parsed `JSONValue`, or a value of a `CanonicalTape` (the
/// stored canonical bytes, read without a tree). One set of readers serves both.
protocol DirectJSON {
    /// What reads an object's members by name.
    associatedtype Object: DirectObject where Object.Member == Self
    /// The members of an object; nil when this is not one.
    var directObject: Object? { get }
    var directString: String? { get }
    /// `body` applied to the UTF-8 bytes of a string value, without making a `String` where the value allows
    /// (a tape's bytes are read in place); nil when this is not a string or `body` answers nil.
    func withDirectUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R?
    var directBool: Bool? { get }
    var directNumber: Double? { get }
    var directIsNull: Bool { get }
}

/// The members of one object, looked up by name. Mutating, so that a tape's reader resumes after the member it
/// found last (`CanonicalTape.MemberCursor`): the readers ask for the names in canonical order.
protocol DirectObject {
    associatedtype Member
    var count: Int { get }
    mutating func member(_ name: String) -> Member?
}

extension JSONValue: DirectJSON {
    var directObject: [String: JSONValue]? { objectValue }
    var directString: String? { stringValue }
    func withDirectUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        guard var text = stringValue else { return nil }
        return text.withUTF8(body)
    }
    var directBool: Bool? { boolValue }
    var directNumber: Double? { numberValue }
    var directIsNull: Bool { isNull }
}

extension [String: JSONValue]: DirectObject {
    func member(_ name: String) -> JSONValue? { self[name] }
}

extension CanonicalTape.Value: DirectJSON {
    var directObject: CanonicalTape.MemberCursor? { memberCursor }
    var directString: String? { string }
    func withDirectUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? { withStringUTF8(body) ?? nil }
    var directBool: Bool? { bool }
    var directNumber: Double? { number }
    var directIsNull: Bool { isNull }
}

extension CanonicalTape.MemberCursor: DirectObject {}

/// The members of one record object, read without `Codable` (the fast read of the common record kinds, which an
/// audit decodes once per entry). Every reader answers nil for anything the strict decoder would not turn into
/// the same value — a missing member, another JSON type, a value its validating initializer refuses — so a
/// fast read either equals the strict decode or gives up and leaves the strict decoder to name the problem.
///
/// The object must have exactly the expected number of members: with every expected name then read, there is
/// no room for an unknown one (`rejectUnknownKeys`).
///
/// Readers ask for the members in canonical (sorted) order, the order a tape's cursor finds them fastest.
struct DirectMembers<Value: DirectJSON> {
    private var object: Value.Object

    /// Nil unless `value` is an object of exactly `count` members.
    init?(_ value: Value?, count: Int) {
        guard let object = value?.directObject, object.count == count else { return nil }
        self.object = object
    }

    /// The member named `name`, of any type.
    mutating func member(_ name: String) -> Value? { object.member(name) }

    mutating func string(_ name: String) -> String? { member(name)?.directString }

    mutating func bool(_ name: String) -> Bool? { member(name)?.directBool }

    /// A `ValidatedString` member, through the type's own `init(validating:)` (what its `init(from:)` calls).
    mutating func validated<T: ValidatedString>(_ name: String, as type: T.Type = T.self) -> T? {
        guard let text = string(name) else { return nil }
        return try? T(validating: text)
    }

    /// A USCC member, with the genesis's exceptions passed directly instead of through the task-local.
    mutating func uscc(_ name: String, exceptions: Set<String>) -> USCC? {
        guard let text = string(name) else { return nil }
        return try? USCC(text, exceptions: exceptions)
    }

    /// An integer member under the strict decoder's rules: a whole number within ±(2^53 − 1) that `I` holds.
    mutating func integer<I: FixedWidthInteger>(_ name: String, as type: I.Type = I.self) -> I? {
        guard let number = member(name)?.directNumber else { return nil }
        return JSONInteger.exact(number)
    }

    /// An `@ExplicitNull` integer member: `.some(nil)` for a present `null`, nil when absent or not an integer.
    mutating func nullableInteger<I: FixedWidthInteger>(_ name: String, as type: I.Type = I.self) -> I?? {
        guard let value = member(name) else { return nil }
        if value.directIsNull { return .some(nil) }
        guard let number = value.directNumber else { return nil }
        return JSONInteger.exact(number).map { .some($0) }
    }

    /// A `ContentDigest` member (`{"algorithm","digest"}`).
    mutating func contentDigest(_ name: String) -> ContentDigest? {
        guard var object = DirectMembers(member(name), count: 2), let (algorithm, digest) = object.digest() else {
            return nil
        }
        return ContentDigest(algorithm: algorithm, digest: digest)
    }

    /// A `SaltedDigest` member (`{"algorithm","digest","salted":true}`).
    mutating func saltedDigest(_ name: String) -> SaltedDigest? {
        guard var object = DirectMembers(member(name), count: 3), let (algorithm, digest) = object.digest(),
              object.bool("salted") == true else { return nil }
        return SaltedDigest(algorithm: algorithm, digest: digest)
    }

    /// `algorithm` and `digest` of this object as `ContentDigest.decodeDigest` reads them: a known algorithm and
    /// exactly its output length in lower-case hex.
    private mutating func digest() -> (HashAlgorithm, Hash256)? {
        guard let algorithm = member("algorithm")?.withDirectUTF8({ HashAlgorithm.names.value(utf8: $0) }),
              let hash = member("digest")?.withDirectUTF8({ ContentDigest.hash(hexUTF8: $0, algorithm: algorithm) })
        else { return nil }
        return (algorithm, hash)
    }}

import CanonicalJSON
import LedgerCrypto

/// A JSON value as the fast record readers see it: a parsed `JSONValue`, or a value of a `CanonicalTape` (the
/// stored canonical bytes, read without a tree). One set of readers serves both.
protocol DirectJSON {
    /// The member count when this is an object, else nil.
    var directObjectCount: Int? { get }
    /// The member named `name` when this is an object that has one.
    func directMember(_ name: String) -> Self?
    var directString: String? { get }
    /// `body` applied to the UTF-8 bytes of a string value, without making a `String` where the value allows
    /// (a tape's bytes are read in place); nil when this is not a string or `body` answers nil.
    func withDirectUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R?
    var directBool: Bool? { get }
    var directNumber: Double? { get }
    var directIsNull: Bool { get }
}

extension JSONValue: DirectJSON {
    var directObjectCount: Int? { objectValue?.count }
    func directMember(_ name: String) -> JSONValue? { objectValue?[name] }
    var directString: String? { stringValue }
    func withDirectUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        guard var text = stringValue else { return nil }
        return text.withUTF8(body)
    }
    var directBool: Bool? { boolValue }
    var directNumber: Double? { numberValue }
    var directIsNull: Bool { isNull }
}

extension CanonicalTape.Value: DirectJSON {
    var directObjectCount: Int? { kind == .object ? count : nil }
    func directMember(_ name: String) -> CanonicalTape.Value? { member(name) }
    var directString: String? { string }
    func withDirectUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? { withStringUTF8(body) ?? nil }
    var directBool: Bool? { bool }
    var directNumber: Double? { number }
    var directIsNull: Bool { isNull }
}

/// The members of one record object, read without `Codable` (the fast read of the common record kinds, which an
/// audit decodes once per entry). Every reader answers nil for anything the strict decoder would not turn into
/// the same value — a missing member, another JSON type, a value its validating initializer refuses — so a
/// fast read either equals the strict decode or gives up and leaves the strict decoder to name the problem.
///
/// The object must have exactly the expected number of members: with every expected name then read, there is
/// no room for an unknown one (`rejectUnknownKeys`).
struct DirectMembers<Value: DirectJSON> {
    let object: Value

    /// Nil unless `value` is an object of exactly `count` members.
    init?(_ value: Value?, count: Int) {
        guard let value, value.directObjectCount == count else { return nil }
        object = value
    }

    /// The member named `name`, of any type.
    func member(_ name: String) -> Value? { object.directMember(name) }

    func string(_ name: String) -> String? { member(name)?.directString }

    func bool(_ name: String) -> Bool? { member(name)?.directBool }

    /// A `ValidatedString` member, through the type's own `init(validating:)` (what its `init(from:)` calls).
    func validated<T: ValidatedString>(_ name: String, as type: T.Type = T.self) -> T? {
        guard let text = string(name) else { return nil }
        return try? T(validating: text)
    }

    /// A USCC member, with the genesis's exceptions passed directly instead of through the task-local.
    func uscc(_ name: String, exceptions: Set<String>) -> USCC? {
        guard let text = string(name) else { return nil }
        return try? USCC(text, exceptions: exceptions)
    }

    /// An integer member under the strict decoder's rules: a whole number within ±(2^53 − 1) that `I` holds.
    func integer<I: FixedWidthInteger>(_ name: String, as type: I.Type = I.self) -> I? {
        guard let number = member(name)?.directNumber else { return nil }
        return JSONInteger.exact(number)
    }

    /// An `@ExplicitNull` integer member: `.some(nil)` for a present `null`, nil when absent or not an integer.
    func nullableInteger<I: FixedWidthInteger>(_ name: String, as type: I.Type = I.self) -> I?? {
        guard let value = member(name) else { return nil }
        if value.directIsNull { return .some(nil) }
        guard let number = value.directNumber else { return nil }
        return JSONInteger.exact(number).map { .some($0) }
    }

    /// A `ContentDigest` member (`{"algorithm","digest"}`).
    func contentDigest(_ name: String) -> ContentDigest? {
        guard let object = DirectMembers(member(name), count: 2), let (algorithm, digest) = object.digest() else {
            return nil
        }
        return ContentDigest(algorithm: algorithm, digest: digest)
    }

    /// A `SaltedDigest` member (`{"algorithm","digest","salted":true}`).
    func saltedDigest(_ name: String) -> SaltedDigest? {
        guard let object = DirectMembers(member(name), count: 3), object.bool("salted") == true,
              let (algorithm, digest) = object.digest() else { return nil }
        return SaltedDigest(algorithm: algorithm, digest: digest)
    }

    /// `algorithm` and `digest` of this object as `ContentDigest.decodeDigest` reads them: a known algorithm and
    /// exactly its output length in lower-case hex.
    private func digest() -> (HashAlgorithm, Hash256)? {
        guard let name = string("algorithm"), let algorithm = HashAlgorithm(rawValue: name),
              let hash = member("digest")?.withDirectUTF8({ ContentDigest.hash(hexUTF8: $0, algorithm: algorithm) })
        else { return nil }
        return (algorithm, hash)
    }
}

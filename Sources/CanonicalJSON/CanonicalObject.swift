/// An RFC 8785 object assembled from members whose values are already canonical JSON. A caller that sends the
/// same large values again and again (the verifier's proven entries and checkpoint) writes each value once and
/// keeps its bytes; a caller that signs an object and then adds the signature as a member writes the object twice
/// from the same fragments instead of canonicalizing a tree twice. The result is byte for byte what
/// `JSONValue.canonicalBytes()` writes for the same members: names in §3.2.3 order, no whitespace.
public struct CanonicalObject: Sendable {
    private var members: [(name: String, value: [UInt8])] = []

    public init() {}

    /// Sets member `name` to `value`, which must be one complete canonical JSON value (from
    /// `CanonicalJSONEncoder.encode`, `JSONValue.canonicalBytes()` or another `CanonicalObject`); a second value
    /// for the same name replaces the first, as in a JSON object.
    public mutating func set(_ name: String, canonical value: [UInt8]) {
        if let at = members.firstIndex(where: { $0.name == name }) {
            members[at].value = value
        } else {
            members.append((name, value))
        }
    }

    /// Sets member `name` to a string, without the `Encodable` machinery.
    public mutating func set(_ name: String, string: String) {
        var writer = CanonicalWriter()
        writer.writeString(string)
        set(name, canonical: writer.bytes)
    }

    /// Sets member `name` to an integer, which must lie within ±(2^53 − 1) like every integer the encoder writes.
    public mutating func set(_ name: String, integer: Int64) throws(JSONError) {
        guard integer.magnitude <= JSONInteger.maxExact.magnitude else {
            throw JSONError(.integerOutOfRange, path: name, "\(integer) is beyond ±(2^53 − 1)")
        }
        set(name, canonical: Array(String(integer).utf8))
    }

    /// Sets member `name` to the canonical encoding of `value`.
    public mutating func set<T: Encodable>(_ name: String, _ value: T) throws(JSONError) {
        set(name, canonical: try CanonicalJSONEncoder().encode(value))
    }

    /// Sets member `name` to `value` when it is not nil; like a synthesized `encodeIfPresent`, nil omits it.
    public mutating func setIfPresent<T: Encodable>(_ name: String, _ value: T?) throws(JSONError) {
        guard let value else { return }
        try set(name, value)
    }

    /// The object's canonical bytes, with `prefix` before them (a signing domain, say) in the same buffer.
    public func bytes(prefix: [UInt8] = []) -> [UInt8] {
        let order = JSONValue.canonicalOrder(members.map { (key: $0.name, value: $0.value) })
        var writer = CanonicalWriter()
        writer.reserve(prefix.count + 2 + members.reduce(0) { $0 + $1.name.utf8.count + 4 + $1.value.count })
        writer.appendRaw(prefix)
        writer.appendRaw([UInt8(ascii: "{")])
        for (index, member) in order.enumerated() {
            if index > 0 { writer.appendRaw([UInt8(ascii: ",")]) }
            writer.writeString(member.key)
            writer.appendRaw([UInt8(ascii: ":")])
            writer.appendRaw(member.value)
        }
        writer.appendRaw([UInt8(ascii: "}")])
        return writer.bytes
    }
}

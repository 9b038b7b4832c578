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

    /// The object written once with places kept for members set later (`holes`, which must not be set here): the
    /// members between two places are one run of bytes, so writing the object again with other values in the
    /// places copies a few runs instead of sorting and writing every member.
    public func template(holes: [String]) -> CanonicalTemplate {
        precondition(Set(holes).count == holes.count
                     && holes.allSatisfy { hole in !members.contains { $0.name == hole } },
                     "a template's places are distinct names that are not members")
        let order = JSONValue.canonicalOrder(
            members.map { (key: $0.name, value: Optional($0.value)) } + holes.map { (key: $0, value: nil) })
        var segments: [CanonicalTemplate.Segment] = []
        for member in order {
            guard let value = member.value else {
                segments.append(.place(member.key))
                continue
            }
            var writer = CanonicalWriter()
            if case .run(let before) = segments.last {
                segments.removeLast()
                writer.reserve(before.count + 1 + member.key.utf8.count + 3 + value.count)
                writer.appendRaw(before)
                writer.appendRaw([UInt8(ascii: ",")])
            }
            writer.writeString(member.key)
            writer.appendRaw([UInt8(ascii: ":")])
            writer.appendRaw(value)
            segments.append(.run(writer.bytes))
        }
        return CanonicalTemplate(segments: segments)
    }
}

/// A canonical object with places for members whose values change from one writing to the next
/// (`CanonicalObject.template(holes:)`): the same bytes as a `CanonicalObject` holding the template's members and
/// the values given for its places.
public struct CanonicalTemplate: Sendable {
    enum Segment: Sendable {
        /// Members, written and joined by commas.
        case run([UInt8])
        /// The name of a member set when writing, or left out.
        case place(String)
    }

    let segments: [Segment]

    /// The object with `values` (name and canonical JSON value) in its places, `prefix` before it in the same
    /// buffer; a place without a value is left out, as an absent member. Every name given must be one of the
    /// template's places.
    public func bytes(prefix: [UInt8] = [], filling values: [(name: String, value: [UInt8])]) -> [UInt8] {
        var writer = CanonicalWriter()
        var capacity = prefix.count + 2
        for segment in segments {
            if case .run(let run) = segment { capacity += run.count + 1 }
        }
        for value in values { capacity += value.name.utf8.count + 4 + value.value.count }
        writer.reserve(capacity)
        writer.appendRaw(prefix)
        writer.appendRaw([UInt8(ascii: "{")])
        var first = true
        var filled = 0
        for segment in segments {
            switch segment {
            case .run(let run):
                if !first { writer.appendRaw([UInt8(ascii: ",")]) }
                writer.appendRaw(run)
                first = false
            case .place(let name):
                guard let value = values.first(where: { $0.name == name }) else { continue }
                if !first { writer.appendRaw([UInt8(ascii: ",")]) }
                writer.writeString(name)
                writer.appendRaw([UInt8(ascii: ":")])
                writer.appendRaw(value.value)
                first = false
                filled += 1
            }
        }
        precondition(filled == values.count, "a value was given for a name that is no place of the template")
        writer.appendRaw([UInt8(ascii: "}")])
        return writer.bytes
    }
}

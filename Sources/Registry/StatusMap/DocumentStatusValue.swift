public import CanonicalJSON

/// The status-map value of a license document (docs/verifier.md, "Status map values"): the license version whose
/// entry carries it.
public struct DocumentStatusValue: Codable, Sendable, Equatable {
    /// The `license.issue`/`license.amend` entry that carries the document.
    public let index: UInt64
    /// The license.
    public let uscc: USCC
    /// That entry's version of the license.
    public let version: Int

    /// The value of a document reference.
    public init(_ document: RegistryState.DocumentRef) {
        index = document.index
        uscc = document.uscc
        version = document.version
    }

    /// Decodes a value's bytes (canonical JSON, no unknown members).
    public init(bytes: [UInt8]) throws(JSONError) {
        self = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Self.self, from: bytes)
    }

    /// The RFC 8785 bytes that go into the map.
    public var canonicalBytes: [UInt8] {
        var plain = PlainCanonicalObject()
        plain.integer("index", index)
        plain.string("uscc", uscc.value)
        plain.integer("version", version)
        return plain.finish() ?? jsonValueBytes
    }

    /// `canonicalBytes` through a `JSONValue` (what the members written one by one must equal).
    var jsonValueBytes: [UInt8] {
        JSONValue.object([
            "index": .number(Double(index)),
            "uscc": .string(uscc.value),
            "version": .number(Double(version)),
        ]).canonicalBytes()
    }
}

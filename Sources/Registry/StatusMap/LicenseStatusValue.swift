public import CanonicalJSON

/// The status-map value of a license (docs/verifier.md, "Status map values"): what decides its verdict, naming
/// the deciding entries.
public struct LicenseStatusValue: Codable, Sendable, Equatable {
    /// The `license.issue`/`license.amend` entry of the current version.
    public let current: UInt64
    /// The current version's document (license file) digest.
    public let document: ContentDigest
    /// The `license.revoke`/`license.cancel` entry, if ended.
    public let end: UInt64?
    /// The day the end takes effect.
    public let endEffectiveOn: CalendarDate?
    /// live, revoked or cancelled.
    public let status: LicenseState.Status
    /// The last day of the business term; nil for a long term.
    public let termEnd: CalendarDate?
    /// The current version.
    public let version: Int

    /// The value of a license's state.
    public init(_ license: LicenseState) {
        current = license.currentIndex
        document = license.document
        end = license.endIndex
        endEffectiveOn = license.endEffectiveOn
        status = license.status
        termEnd = license.termEnd
        version = license.version
    }

    /// Decodes a value's bytes (canonical JSON, no unknown members).
    public init(bytes: [UInt8]) throws(JSONError) {
        self = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Self.self, from: bytes)
    }

    /// The RFC 8785 bytes that go into the map.
    public var canonicalBytes: [UInt8] {
        var plain = PlainCanonicalObject()
        plain.integer("current", current)
        plain.object("document") {
            $0.string("algorithm", document.algorithm.rawValue)
            $0.string("digest", document.digest.hex)
        }
        if let end { plain.integer("end", end) }
        if let endEffectiveOn { plain.string("endEffectiveOn", endEffectiveOn.value) }
        plain.string("status", status.rawValue)
        if let termEnd { plain.string("termEnd", termEnd.value) }
        plain.integer("version", version)
        return plain.finish() ?? jsonValueBytes
    }

    /// `canonicalBytes` through a `JSONValue` (what the members written one by one must equal).
    var jsonValueBytes: [UInt8] {
        var members: [String: JSONValue] = [
            "current": .number(Double(current)),
            "document": .object(["algorithm": .string(document.algorithm.rawValue),
                                 "digest": .string(document.digest.hex)]),
            "status": .string(status.rawValue),
            "version": .number(Double(version)),
        ]
        if let end { members["end"] = .number(Double(end)) }
        if let endEffectiveOn { members["endEffectiveOn"] = .string(endEffectiveOn.value) }
        if let termEnd { members["termEnd"] = .string(termEnd.value) }
        return JSONValue.object(members).canonicalBytes()
    }
}

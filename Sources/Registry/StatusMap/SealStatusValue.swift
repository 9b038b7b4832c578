public import CanonicalJSON

/// The status-map value of a seal (docs/verifier.md, "Status map values").
public struct SealStatusValue: Codable, Sendable, Equatable {
    /// The seal's holder, whose own license key says whether the holder is live.
    public let holder: USCC
    /// The `seal.issue` entry of the current issue.
    public let issue: UInt64
    /// The `seal.revoke` entry, if revoked.
    public let revoke: UInt64?
    /// The day the revocation takes effect.
    public let revokedOn: CalendarDate?
    /// live or revoked.
    public let status: String
    /// The first day of validity.
    public let validFrom: CalendarDate
    /// The last day of validity.
    public let validTo: CalendarDate

    /// The value of a seal's state.
    public init(_ seal: SealState) {
        holder = seal.holder
        issue = seal.issueIndex
        revoke = seal.revokeIndex
        revokedOn = seal.revokedOn
        status = seal.isRevoked ? "revoked" : "live"
        validFrom = seal.validFrom
        validTo = seal.validTo
    }

    /// Decodes a value's bytes (canonical JSON, no unknown members).
    public init(bytes: [UInt8]) throws(JSONError) {
        self = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Self.self, from: bytes)
    }

    /// The RFC 8785 bytes that go into the map.
    public var canonicalBytes: [UInt8] {
        var plain = PlainCanonicalObject()
        plain.string("holder", holder.value)
        plain.integer("issue", issue)
        if let revoke { plain.integer("revoke", revoke) }
        if let revokedOn { plain.string("revokedOn", revokedOn.value) }
        plain.string("status", status)
        plain.string("validFrom", validFrom.value)
        plain.string("validTo", validTo.value)
        return plain.finish() ?? jsonValueBytes
    }

    /// `canonicalBytes` through a `JSONValue` (what the members written one by one must equal).
    var jsonValueBytes: [UInt8] {
        var members: [String: JSONValue] = [
            "holder": .string(holder.value),
            "issue": .number(Double(issue)),
            "status": .string(status),
            "validFrom": .string(validFrom.value),
            "validTo": .string(validTo.value),
        ]
        if let revoke { members["revoke"] = .number(Double(revoke)) }
        if let revokedOn { members["revokedOn"] = .string(revokedOn.value) }
        return JSONValue.object(members).canonicalBytes()
    }
}

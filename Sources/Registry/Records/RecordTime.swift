public import Log

/// An instant written exactly as RFC 3339 with milliseconds in UTC (`2026-11-29T01:02:03.456Z`), the form of the
/// log's own `Timestamp`, so that one instant has one spelling in a signed record.
public struct RecordTime: ValidatedString, Comparable {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    public let value: String
    /// The instant, as the log measures time.
    public let timestamp: Timestamp

    public init(validating text: String) throws(RegistryError) {
        guard let timestamp = Timestamp(rfc3339: text) else {
            throw RegistryError(.invalid, "an instant is written YYYY-MM-DDTHH:MM:SS.mmmZ (UTC), found \(FieldCheck.quote(text))")
        }
        value = text
        self.timestamp = timestamp
    }

    /// The RFC 3339 form of `timestamp`.
    public init(_ timestamp: Timestamp) {
        value = timestamp.rfc3339
        self.timestamp = timestamp
    }

    public static func < (lhs: RecordTime, rhs: RecordTime) -> Bool { lhs.timestamp < rhs.timestamp }
}

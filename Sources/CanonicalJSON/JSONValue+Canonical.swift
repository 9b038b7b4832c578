/// The two public doors of the module's core: strict parsing into the RFC 8785 data model and canonical
/// serialization out of it.
extension JSONValue {
    /// Parses `bytes` as one RFC 8259 JSON text under the strict rules of `JSONParser` (I-JSON per RFC 7493,
    /// the precision rule for integers above 2^53, and `limits`).
    ///
    /// - Throws: `JSONError` with the byte offset and the JSON path of the first problem.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        try JSONParser.parse(bytes, limits: limits).value
    }

    /// Parses `bytes` as `parse(_:limits:)` does and tells whether they are already the value's canonical form:
    /// `isCanonical` is exactly `value.canonicalBytes() == bytes`, found while parsing (no white space, members
    /// in RFC 8785 §3.2.3 order, strings and numbers spelled as §3.2.2 writes them). A reader of stored canonical
    /// JSON (the audit reads every submission of the log) then need not serialize each value again to check it.
    public static func parseCheckingCanonical(_ bytes: [UInt8], limits: JSONLimits = .default)
        throws(JSONError) -> (value: JSONValue, isCanonical: Bool)
    {
        try JSONParser.parse(bytes, limits: limits)
    }

    /// Parses the UTF-8 bytes of `text`; see `parse(_:limits:)`.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    /// The RFC 8785 (JCS) canonical UTF-8 bytes of this value: what the ledger hashes and signs.
    public func canonicalBytes() -> [UInt8] {
        var writer = CanonicalWriter()
        writer.write(self)
        return writer.bytes
    }

    /// `canonicalBytes()` as a `String`, for logs and tests.
    public var canonicalString: String {
        String(decoding: canonicalBytes(), as: UTF8.self)
    }
}

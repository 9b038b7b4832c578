/// The two public doors of the module's core: strict parsing into the RFC 8785 data model and canonical
/// serialization out of it.
extension JSONValue {
    /// Parses `bytes` as one RFC 8259 JSON text under the strict rules of `JSONParser` (I-JSON per RFC 7493,
    /// the precision rule for integers above 2^53, and `limits`).
    ///
    /// - Throws: `JSONError` with the byte offset and the JSON path of the first problem.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes, limits: limits)
        return try parser.parseDocument()
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

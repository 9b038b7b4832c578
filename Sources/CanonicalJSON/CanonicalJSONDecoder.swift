/// Decodes `Decodable` Swift values from JSON strictly: the bytes go through the strict parser first (so every
/// rule of `JSONValue.parse` holds), then into the type with no coercions — a string is never a number, a
/// fraction is never an integer, and an integer outside ±(2^53 − 1) is an error rather than a rounded value.
///
/// With `rejectUnknownKeys`, every member of every object the type opened must have been read by it: a ledger
/// that signs and stores what it received must not carry fields its schema does not know ("unknown fields
/// rejected"). Members a type reads as a raw `JSONValue` count as read, with everything inside them.
public struct CanonicalJSONDecoder: Sendable {
    /// Reject members the decoded type never read, with the member's path in the error. Default `false`.
    public var rejectUnknownKeys: Bool
    /// Bounds for the parser when decoding from bytes.
    public var limits: JSONLimits

    /// Creates a decoder with the given strictness and parser limits.
    public init(rejectUnknownKeys: Bool = false, limits: JSONLimits = .default) {
        self.rejectUnknownKeys = rejectUnknownKeys
        self.limits = limits
    }

    /// Parses `bytes` strictly and decodes a `T` from them.
    ///
    /// - Throws: `JSONError`: parser errors with byte offset and path; decoding errors (`typeMismatch`,
    ///   `missingKey`, `unknownKey`, `notAnInteger`, `integerOutOfRange`, …) with the field's path.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(JSONError) -> T {
        try decode(type, from: JSONValue.parse(bytes, limits: limits))
    }

    /// Decodes a `T` from an already parsed value.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONError) -> T {
        let state = DecodingState(rejectUnknownKeys: rejectUnknownKeys)
        // The read logs point back at decoders, which point at the state: forgetting them breaks that cycle.
        defer { state.forgetLogs() }
        let decoder = JSONValueDecoder(value: value, state: state)
        let result: T
        do {
            result = try decoder.decodeGeneric(type)
        } catch let error as JSONError {
            throw error
        } catch let error as DecodingError {
            throw JSONError(decodingError: error)
        } catch {
            throw JSONError(.invalidValue, "decoding failed: \(error)")
        }
        if rejectUnknownKeys {
            try state.checkAllKeysRead()
        }
        return result
    }
}

extension JSONError {
    /// Maps a standard-library `DecodingError` (thrown by a type's own `init(from:)`, e.g. a `RawRepresentable`
    /// enum meeting an unknown raw value) onto this module's error, keeping the path.
    init(decodingError: DecodingError) {
        switch decodingError {
        case .typeMismatch(let type, let context):
            self.init(.typeMismatch, path: JSONPath(codingPath: context.codingPath).description,
                      "expected \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            self.init(.typeMismatch, path: JSONPath(codingPath: context.codingPath).description,
                      "expected \(type), found null: \(context.debugDescription)")
        case .keyNotFound(let key, let context):
            self.init(.missingKey, path: JSONPath(codingPath: context.codingPath + [key]).description,
                      "required member \"\(key.stringValue)\" is missing")
        case .dataCorrupted(let context):
            self.init(.invalidValue, path: JSONPath(codingPath: context.codingPath).description,
                      context.debugDescription)
        @unknown default:
            self.init(.invalidValue, "decoding failed: \(decodingError)")
        }
    }
}

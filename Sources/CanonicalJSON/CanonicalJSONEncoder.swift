/// Encodes `Encodable` Swift values as RFC 8785 canonical JSON, so that higher layers hash and sign structs
/// rather than hand-built trees. The value is first turned into a `JSONValue` (whose serialization is canonical
/// by construction), then written by `JSONValue.canonicalBytes()`.
///
/// Rules, chosen so that what is signed is exactly what was meant:
/// - integers must lie within ±(2^53 − 1), the range a JSON number holds exactly (RFC 7493 §2.2); larger
///   `Int64`/`UInt64` values are an `integerOutOfRange` error, never rounded;
/// - doubles must be finite (RFC 8785 §3.2.2.3); a `Float` is widened to the double it exactly equals;
/// - `nil` optionals are omitted by synthesized conformances (`encodeIfPresent`), explicit `encodeNil` writes
///   `null`; a value that encodes nothing becomes `{}`;
/// - Foundation types keep their own `Codable` encodings (a `Date` is a number of seconds since 2001): model
///   timestamps and bytes as `String` fields in ledger records.
public struct CanonicalJSONEncoder: Sendable {
    /// Creates an encoder; it has no options because canonical JSON has exactly one form.
    public init() {}

    /// The RFC 8785 canonical bytes of `value`.
    ///
    /// - Throws: `JSONError` with the path of the offending field; errors a type's own `encode(to:)` throws are
    ///   wrapped as `invalidValue`.
    public func encode<T: Encodable>(_ value: T) throws(JSONError) -> [UInt8] {
        try encodeValue(value).canonicalBytes()
    }

    /// `value` as a `JSONValue` tree, for callers that edit it before canonicalizing (e.g. to drop a
    /// `signature` member before signing).
    public func encodeValue<T: Encodable>(_ value: T) throws(JSONError) -> JSONValue {
        let state = EncodingState()
        let root = EncodingSlot()
        let encoder = JSONValueEncoder(slot: root, state: state, codingPath: [])
        do {
            try encoder.encodeGeneric(value)
        } catch let error as JSONError {
            throw error
        } catch let error as EncodingError {
            throw JSONError(encodingError: error)
        } catch {
            throw JSONError(.invalidValue, "encoding failed: \(error)")
        }
        if let error = state.firstError { throw error }
        return root.resolve()
    }
}

extension JSONError {
    /// Maps a standard-library `EncodingError` (thrown by a type's own `encode(to:)`) onto this module's error.
    init(encodingError: EncodingError) {
        switch encodingError {
        case .invalidValue(let value, let context):
            self.init(.invalidValue, path: JSONPath(codingPath: context.codingPath).description,
                      "cannot encode \(value): \(context.debugDescription)")
        @unknown default:
            self.init(.invalidValue, "encoding failed: \(encodingError)")
        }
    }
}

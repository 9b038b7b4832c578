/// The one error type of `CanonicalJSON`: a stable machine code, where the problem is (byte offset in the input
/// and the JSON path of the offending field) and a human reason that carries the numbers.
///
/// Parser errors (RFC 8259 grammar, RFC 3629 UTF-8, RFC 7493 I-JSON limits) carry a byte offset; errors found
/// while encoding or decoding Swift values (`Codable`) carry only the path, since they work on parsed values.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine codes; never renamed once shipped (they surface in HTTP error bodies).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The input is longer than `JSONLimits.maxInputBytes`.
        case inputTooLarge = "input_too_large"
        /// The input ended inside a value.
        case unexpectedEnd = "unexpected_end"
        /// A byte that the RFC 8259 grammar does not allow at this place.
        case unexpectedByte = "unexpected_byte"
        /// Anything but whitespace after the top-level value.
        case trailingData = "trailing_data"
        /// Ill-formed UTF-8 (RFC 3629 §4): overlong forms, encoded surrogates, above U+10FFFF, truncated.
        case invalidUTF8 = "invalid_utf8"
        /// An unescaped byte below 0x20 inside a string (RFC 8259 §7).
        case controlCharacter = "control_character"
        /// A backslash escape that RFC 8259 §7 does not define, or a malformed `\u` escape.
        case invalidEscape = "invalid_escape"
        /// A `\u` escape naming half of a surrogate pair without its other half (RFC 7493 §2.1).
        case loneSurrogate = "lone_surrogate"
        /// A number that breaks the RFC 8259 §6 grammar (other than a leading zero).
        case invalidNumber = "invalid_number"
        /// A number with a superfluous leading zero, such as `01` (RFC 8259 §6).
        case leadingZero = "leading_zero"
        /// A number that overflows to infinity or underflows to zero as an IEEE-754 double (RFC 7493 §2.2).
        case numberOutOfRange = "number_out_of_range"
        /// An integer beyond 2^53 whose canonical form would denote a different integer (RFC 7493 §2.2).
        case numberPrecisionLoss = "number_precision_loss"
        /// The same member name twice in one object, compared after unescaping (RFC 7493 §2.3).
        case duplicateKey = "duplicate_key"
        /// Arrays and objects nested deeper than `JSONLimits.maxDepth`.
        case tooDeep = "too_deep"
        /// Decoding: the JSON value has another type than the Swift field expects.
        case typeMismatch = "type_mismatch"
        /// Decoding: a required member is absent.
        case missingKey = "missing_key"
        /// Decoding: an array has fewer elements than the Swift type reads.
        case missingElement = "missing_element"
        /// Decoding with `rejectUnknownKeys`: a member the Swift type never read.
        case unknownKey = "unknown_key"
        /// Decoding: a number with a fractional part where an integer is expected.
        case notAnInteger = "not_an_integer"
        /// Encoding or decoding: an integer outside ±(2^53 − 1) or outside the Swift type's range.
        case integerOutOfRange = "integer_out_of_range"
        /// Encoding or decoding: a value the Swift type or the encoder refuses (non-finite double, custom error).
        case invalidValue = "invalid_value"
    }

    /// What went wrong, as a stable machine code.
    public let code: Code
    /// Byte offset into the parsed input where the problem starts; `nil` for encoding and decoding errors.
    public let offset: Int?
    /// JSON path of the offending field, e.g. `submission.record.capital` or `numbers[2]`; empty at the root.
    public let path: String
    /// Human explanation with the numbers in it.
    public let reason: String

    /// Creates an error; `path` is rendered as described on `path`.
    public init(_ code: Code, offset: Int? = nil, path: String = "", _ reason: String) {
        self.code = code
        self.offset = offset
        self.path = path
        self.reason = reason
    }

    public var description: String {
        var text = code.rawValue
        text += path.isEmpty ? " at the root" : " at \(path)"
        if let offset { text += " (byte \(offset))" }
        return text + ": " + reason
    }
}

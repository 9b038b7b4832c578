@testable import CanonicalJSON

// Test-only copy of the parser as it stood before it was made cheaper for the audit (commit acac7b0):
// simple, path kept for every value, two hash look-ups per member. `ParserDifferentialTests` holds the parser to
// exactly its answers: same values, same canonical verdicts, same error codes, offsets, paths and reasons.

/// Numbers: the RFC 8259 §6 grammar, read as IEEE-754 doubles (RFC 7493 §2.2, RFC 8785 §3.2.2.3).
///
/// Precision rule. A fraction is rounded to the nearest double, as every JSON parser does (`0.1` is accepted,
/// and `333333333.33333329` becomes `333333333.3333333`, as in RFC 8785 §3.2.2). Whole numbers are different:
/// a ledger must never sign an integer other than the one a department wrote. A number whose decimal value is
/// an integer of magnitude above 2^53 is therefore accepted only if its canonical form denotes exactly the same
/// integer; `9007199254740993` (which would become `9007199254740992`) is rejected, `9007199254740994`, `1e23`
/// and `295147905179352830000` are accepted. Every integer up to 2^53 is exact and always accepted. Literals
/// that overflow to infinity (`1e400`) or underflow to zero while not being zero (`1e-400`) are rejected.
extension ReferenceJSONParser {
    mutating func parseNumber() throws(JSONError) -> Double {
        let start = position
        var decimal = ReferenceDecimalLiteral()
        if input[position] == UInt8(ascii: "-") {
            position += 1
        }
        guard position < input.count, isDigit(input[position]) else {
            throw error(.invalidNumber, at: start, "'-' must be followed by a digit")
        }
        if input[position] == UInt8(ascii: "0") {
            position += 1
            if position < input.count, isDigit(input[position]) {
                throw error(.leadingZero, at: start, "a number must not start with a superfluous 0")
            }
        } else {
            while position < input.count, isDigit(input[position]) {
                decimal.appendDigit(input[position], isFraction: false)
                position += 1
            }
        }
        if position < input.count, input[position] == UInt8(ascii: ".") {
            position += 1
            guard position < input.count, isDigit(input[position]) else {
                throw error(.invalidNumber, at: start, "a decimal point must be followed by a digit")
            }
            while position < input.count, isDigit(input[position]) {
                decimal.appendDigit(input[position], isFraction: true)
                position += 1
            }
        }
        if position < input.count, input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E") {
            position += 1
            var negative = false
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                negative = input[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < input.count, isDigit(input[position]) else {
                throw error(.invalidNumber, at: start, "an exponent must have at least one digit")
            }
            var exponent = 0
            while position < input.count, isDigit(input[position]) {
                // Saturate: any exponent this large already means infinity or zero.
                exponent = min(exponent * 10 + Int(input[position] - UInt8(ascii: "0")), 1_000_000_000)
                position += 1
            }
            decimal.exponent = negative ? -exponent : exponent
        }
        let literal = input[start..<position]
        guard let value = Double(String(decoding: literal, as: UTF8.self)) else {
            throw error(.invalidNumber, at: start, "\(quote(literal)) is not a number")
        }
        try checkRange(value, decimal: decimal, literal: literal, start: start)
        return value
    }

    private func checkRange(_ value: Double, decimal: ReferenceDecimalLiteral, literal: ArraySlice<UInt8>,
                            start: Int) throws(JSONError) {
        if !value.isFinite {
            throw error(.numberOutOfRange, at: start,
                        "\(quote(literal)) is beyond the largest double 1.7976931348623157e+308")
        }
        if value == 0 {
            if !decimal.significand.isEmpty {
                throw error(.numberOutOfRange, at: start,
                            "\(quote(literal)) is below the smallest double 5e-324 and would become 0")
            }
            return
        }
        guard let integerExponent = decimal.integerExponent,
              decimal.significand.count + integerExponent > 15 else { return }
        // A whole number with 16 or more digits: it must survive canonicalization unchanged.
        let shortest = ShortestDecimal(value)
        if !shortest.digits.elementsEqual(decimal.significand) || shortest.integerExponent != integerExponent {
            throw error(.numberPrecisionLoss, at: start,
                        "integer \(quote(literal)) exceeds 2^53 = 9007199254740992 and cannot be held exactly; "
                            + "it would be stored as \(String(decoding: shortest.ecmaScriptBytes, as: UTF8.self))")
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The literal for an error message, shortened so that a megabyte of digits does not become the message.
    private func quote(_ literal: ArraySlice<UInt8>) -> String {
        if literal.count <= 40 { return String(decoding: literal, as: UTF8.self) }
        return String(decoding: literal.prefix(32), as: UTF8.self) + "…(\(literal.count) bytes)"
    }
}

/// The exact decimal value of a number literal as significand digits × 10^exponent, for the precision rule.
struct ReferenceDecimalLiteral {
    /// Significant digits (values 0...9), without leading zeros; trailing zeros are trimmed when asked.
    private(set) var digits: [UInt8] = []
    private var fractionDigits = 0
    /// The literal's `e` exponent.
    var exponent = 0

    mutating func appendDigit(_ ascii: UInt8, isFraction: Bool) {
        // Leading zeros of a fraction are not significant but still shift the value: they count here only.
        if isFraction { fractionDigits += 1 }
        let digit = ascii - UInt8(ascii: "0")
        if digits.isEmpty && digit == 0 { return }
        digits.append(digit)
    }

    /// The digits without trailing zeros; empty for zero.
    var significand: ArraySlice<UInt8> {
        var end = digits.count
        while end > 0 && digits[end - 1] == 0 { end -= 1 }
        return digits[0..<end]
    }

    /// `e` such that the value is `significand × 10^e`, when that makes it an integer; `nil` for a fraction.
    var integerExponent: Int? {
        let trailingZeros = digits.count - significand.count
        let power = exponent - fractionDigits + trailingZeros
        return power >= 0 ? power : nil
    }
}

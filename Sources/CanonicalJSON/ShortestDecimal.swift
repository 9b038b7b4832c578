/// The shortest decimal that reads back as a given double, and its ECMAScript spelling: RFC 8785 §3.2.2.3
/// serializes numbers exactly as ECMAScript's Number::toString (ECMA-262 §7.1.12.1 in the 2019 edition).
///
/// The digits come from Swift's `Double.description`, which prints the shortest digit string that round-trips
/// and, among those, the one closest to the double — the same choice ECMA-262 requires of `k` and `s`. Only the
/// digits and the decimal exponent are taken from it; the layout rules are ECMAScript's and are applied here.
struct ShortestDecimal: Sendable, Hashable {
    /// Decimal digits, values 0...9, first and last non-zero (for zero: `[0]`).
    let digits: [UInt8]
    /// ECMA-262's `n`: the value is `0.d1d2…dk × 10^n`.
    let pointPosition: Int
    let isNegative: Bool

    init(_ value: Double) {
        isNegative = value < 0
        guard value != 0, value.isFinite else {
            digits = [0]
            pointPosition = 1
            return
        }
        var collected: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in value.magnitude.description.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = byte - UInt8(ascii: "0")
                if inExponent {
                    exponent = exponent * 10 + Int(digit)
                } else {
                    collected.append(digit)
                    if !seenPoint { integerDigits += 1 }
                }
            case UInt8(ascii: "."):
                seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                inExponent = true
            case UInt8(ascii: "-"):
                exponentNegative = true
            default:
                break
            }
        }
        var position = integerDigits + (exponentNegative ? -exponent : exponent)
        let firstNonZero = collected.firstIndex { $0 != 0 } ?? 0
        position -= firstNonZero
        let lastNonZero = collected.lastIndex { $0 != 0 } ?? 0
        digits = Array(collected[firstNonZero...lastNonZero])
        pointPosition = position
    }

    /// `e` such that the magnitude is `digits × 10^e`.
    var integerExponent: Int {
        pointPosition - digits.count
    }

    /// ECMA-262 Number::toString for a finite double, with `-0` printed as `0` (RFC 8785 §3.2.2.3).
    var ecmaScriptBytes: [UInt8] {
        var out: [UInt8] = []
        if digits == [0] {
            return [UInt8(ascii: "0")]
        }
        if isNegative { out.append(UInt8(ascii: "-")) }
        let ascii = digits.map { $0 + UInt8(ascii: "0") }
        let k = digits.count
        let n = pointPosition
        if k <= n && n <= 21 {
            // Integer form: the digits, then n − k zeros.
            out += ascii
            out += repeatElement(UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out += ascii[0..<n]
            out.append(UInt8(ascii: "."))
            out += ascii[n...]
        } else if -6 < n && n <= 0 {
            out += [UInt8(ascii: "0"), UInt8(ascii: ".")]
            out += repeatElement(UInt8(ascii: "0"), count: -n)
            out += ascii
        } else {
            // Exponent form: d[.ddd]e±x with x = n − 1.
            out.append(ascii[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out += ascii[1...]
            }
            out.append(UInt8(ascii: "e"))
            out.append(n - 1 >= 0 ? UInt8(ascii: "+") : UInt8(ascii: "-"))
            out += Array(String((n - 1).magnitude).utf8)
        }
        return out
    }
}

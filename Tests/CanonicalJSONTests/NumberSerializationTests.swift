@testable import CanonicalJSON
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 8785 §3.2.2.3: ECMAScript Number::toString, checked against hand-worked layouts and against a naive
/// reference for the shortest round-trip digits.
@Suite struct NumberSerializationTests {
    @Test(arguments: [
        (1e21, "1e+21"), (1e20, "100000000000000000000"), (123456789012345680000.0, "123456789012345680000"),
        (1e-6, "0.000001"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (0.000123, "0.000123"), (123.456, "123.456"),
        (-0.0, "0"), (0.0, "0"), (-1.0, "-1"), (0.1, "0.1"), (100.0, "100"), (1.5e300, "1.5e+300"),
        (-2.5e-300, "-2.5e-300"), (Double.leastNonzeroMagnitude, "5e-324"),
        (0.30000000000000004, "0.30000000000000004"),
        (4.35, "4.35"), (1e15, "1000000000000000"), (1e16, "10000000000000000"),
    ])
    func ecmaScriptLayout_usesIntegerFractionOrExponentFormByMagnitude(value: Double, expected: String) {
        #expect(JSONValue.number(value).canonicalString == expected)
    }

    @Test func shortestDigits_matchNaiveReference_onRandomDoubles() {
        var rng = SplitMix64(seed: 0x8785)
        var values: [Double] = []
        for _ in 0..<6000 { values.append(randomFiniteDouble(using: &rng)) }
        // Short decimals and integers near 2^53 exercise the cases where fewer digits suffice.
        for _ in 0..<3000 {
            let scale = [1.0, 10, 100, 1000, 1e6, 1e-3, 1e-9, 1e20][Int(rng.next() % 8)]
            values.append(Double(Int64(truncatingIfNeeded: rng.next() % 10_000_000)) / scale)
            values.append(Double(Int64(1 << 53) + Int64(rng.next() % 4096) - 2048))
        }
        var mismatches: [String] = []
        for value in values where value != 0 {
            let ours = ShortestDecimal(value)
            let reference = naiveShortest(value)
            let digits = String(decoding: ours.digits.map { $0 + 48 }, as: UTF8.self)
            if digits != reference.digits || ours.integerExponent != reference.exponent {
                mismatches.append("\(value): ours \(digits)e\(ours.integerExponent), "
                    + "reference \(reference.digits)e\(reference.exponent)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func canonicalText_ofRandomDoubles_parsesBackToTheSameBits() throws {
        var rng = SplitMix64(seed: 53)
        for _ in 0..<20_000 {
            let value = randomFiniteDouble(using: &rng)
            let text = JSONValue.number(value).canonicalBytes()
            let back = try #require(try JSONValue.parse(text).numberValue)
            #expect(back.bitPattern == (value == 0 ? 0 : value.bitPattern), "\(value)")
        }
    }

    @Test func canonicalText_neverHasMoreDigitsThanNeeded() throws {
        // Dropping the last digit (rounded either way) must no longer give the same double.
        var rng = SplitMix64(seed: 17)
        for _ in 0..<5000 {
            let value = abs(randomFiniteDouble(using: &rng))
            let shortest = ShortestDecimal(value)
            guard shortest.digits.count > 1 else { continue }
            let prefix = shortest.digits.dropLast().reduce("") { $0 + String($1) }
            let exponent = shortest.integerExponent + 1
            let down = Double("\(prefix)e\(exponent)")
            let up = Double("\(incremented(prefix))e\(exponent)")
            #expect(down != value && up != value, "\(value) has a shorter form")
        }
    }

    private func incremented(_ digits: String) -> String {
        guard let number = UInt64(digits) else { return digits }
        return String(number + 1)
    }

    /// Reference: for each precision p = 1…17, C's correctly rounded `%.*e` gives the closest p-digit decimal;
    /// its neighbours one unit away cover the asymmetric interval at powers of two. The first p at which one of
    /// them reads back as `value` is the shortest; among those the closest wins (ECMA-262 §7.1.12.1 step 5).
    private func naiveShortest(_ value: Double) -> (digits: String, exponent: Int) {
        let magnitude = abs(value)
        for precision in 1...17 {
            var buffer = [CChar](repeating: 0, count: 64)
            _ = withVaList([precision - 1, magnitude]) { vsnprintf(&buffer, buffer.count, "%.*e", $0) }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let parts = text.split(separator: "e")
            guard parts.count == 2, let exponent = Int(parts[1]),
                  let mantissa = UInt64(parts[0].replacingOccurrences(of: ".", with: ""))
            else { continue }
            let scale = exponent - (precision - 1)
            for candidate in [mantissa, mantissa - 1, mantissa + 1] where candidate > 0 {
                if Double("\(candidate)e\(scale)") == magnitude {
                    return normalized(String(candidate), scale)
                }
            }
        }
        return ("?", 0)
    }

    private func normalized(_ digits: String, _ exponent: Int) -> (digits: String, exponent: Int) {
        var digits = Substring(digits)
        var exponent = exponent
        while digits.count > 1, digits.last == "0" {
            digits = digits.dropLast()
            exponent += 1
        }
        return (String(digits), exponent)
    }
}

/// The integers a JSON number carries exactly: whole numbers within ±(2^53 − 1), beyond which a double no longer
/// tells neighbours apart (RFC 7493 §2.2). One rule for the decoder, the encoder, `CanonicalObject` and the
/// Registry's fast record readers, so that no two of them can disagree about what an integer is.
public enum JSONInteger {
    /// 2^53 − 1.
    public static let maxExact: Int64 = (1 << 53) - 1

    /// `maxExact` as a double (a literal: no lazy global to reach from other modules' inlined code).
    @usableFromInline static var maxExactDouble: Double { 9_007_199_254_740_991 }

    /// `number` as an `I` when it is whole, within ±`maxExact` and within `I`'s range; nil otherwise. Inlinable so
    /// that callers in other modules get it specialized for their integer type (the generic conversion through
    /// `BinaryInteger.init(exactly:)` cost the audit ≈ 1.5 µs per entry).
    @inlinable
    public static func exact<I: FixedWidthInteger>(_ number: Double, as type: I.Type = I.self) -> I? {
        guard number.rounded(.towardZero) == number, number.magnitude <= maxExactDouble else { return nil }
        return I(exactly: number)
    }
}

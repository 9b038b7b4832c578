@testable import Registry
import FuzzSupport
import Testing

/// `FieldCheck.text`'s one-pass byte check must decide exactly as the scalar and `Character` rules it shortcuts:
/// compared with those rules, written out plainly here, on strings built from the scalars where they differ.
@Suite struct FieldCheckTextTests {
    /// The rule as stated: scalar count in bounds, no C0/DEL/C1, first and last `Character` not white space.
    static func reference(_ value: String, _ bounds: ClosedRange<Int>) -> String? {
        let count = value.unicodeScalars.count
        guard bounds.contains(count) else {
            return "must be \(bounds.lowerBound)–\(bounds.upperBound) characters, found \(count)"
        }
        if let bad = value.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            return "contains the control character U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        if let first = value.first, let last = value.last, first.isWhitespace || last.isWhitespace {
            return "must not start or end with white space"
        }
        return nil
    }

    /// ASCII, spaces of several kinds, CJK, a combining mark, a prepended mark (U+0600), C1 and DEL, NBSP, an
    /// ideographic space, an emoji with ZWJ, CR/LF, a two-byte letter; the ideographs that bound the range the
    /// byte check settles by itself (U+4E00, U+9FFF) and their neighbours outside it (U+4DFF, U+A000), a
    /// full-width parenthesis, a variation selector and Hangul jamo that join into one `Character`.
    static let pieces: [String] = [
        "a", "Z", "0", " ", "\t", "\n", "\r", "\r\n", "基", "公司", "\u{301}", "\u{600}", "\u{85}", "\u{9F}",
        "\u{7F}", "\u{A0}", "\u{3000}", "👩\u{200D}💻", "é", "\u{1}", "-", "\u{2028}",
        "\u{4E00}", "\u{9FFF}", "\u{4DFF}", "\u{A000}", "）", "\u{FE0F}", "\u{1100}", "\u{1161}",
    ]

    @Test func byteCheck_decidesAsTheScalarAndCharacterRules_onRandomStrings() {
        var generator = Mutator.Generator(seed: 0x5EED_F1E1D)
        for round in 0..<20_000 {
            let length = Int.random(in: 0...6, using: &generator)
            let value = (0..<length).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            let bounds = round % 3 == 0 ? 1...3 : 1...40
            var got: String?
            do { try FieldCheck.text(value, "name", bounds) } catch { got = error.reason }
            #expect(got == Self.reference(value, bounds), "\(value.unicodeScalars.map { $0.value })")
        }
    }

    /// The byte check reads eight bytes at a time before its byte loop: every piece at every offset of a string
    /// longer than a few words (after ASCII or ideographs, so a C1 pair or a control falls inside a word, across
    /// two, or in the tail) is judged as the rules judge it.
    @Test func byteCheck_decidesAsTheRules_withEveryPieceAtEveryOffsetOfALongString() {
        for piece in Self.pieces {
            for offset in 0...17 {
                for lead in ["a", "基"] {
                    let value = String(repeating: lead, count: offset) + piece + String(repeating: "公司x", count: 4)
                    for bounds in [1...40, 1...60, 1...20] {
                        var got: String?
                        do { try FieldCheck.text(value, "name", bounds) } catch { got = error.reason }
                        #expect(got == Self.reference(value, bounds), "\(value.unicodeScalars.map { $0.value })")
                    }
                }
            }
        }
    }

    @Test func commonNames_passAndEdgesAreRefused() throws {
        try FieldCheck.text("基准科技有限公司0", "name", 1...200)
        try FieldCheck.text("Acme Ltd.", "name", 1...200)
        for bad in [" 基准", "基准 ", "\u{3000}基准", "基准\u{A0}", "a\u{85}b", "基准\u{3000}", " \u{301}基"] {
            #expect(throws: RegistryError.self) { try FieldCheck.text(bad, "name", 1...200) }
        }
    }
}

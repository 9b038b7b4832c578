@testable import CanonicalJSON
import FuzzSupport
import Testing

/// The tape's shortcuts for the audit (runs of 3-byte sequences taken in one loop, member look-ups that resume
/// after the last one found) against what they shortcut: the strict parser, and a search from the first member.
@Suite struct CanonicalTapeFastPathTests {
    let tapeTests = CanonicalTapeTests()

    /// A run of CJK characters with one sequence of every kind (well-formed or not, of every length, the
    /// restricted leads E0 and ED, truncated ones, a quote or backslash) at each place of the run, with the
    /// string closed at the end of the input, in the middle of an object, or not closed at all: the tape is read
    /// exactly when the strict parser reads the bytes as canonical, and then reads the same value.
    @Test func runsOfThreeByteSequences_areJudgedAsTheStrictParser_atEveryPlaceAndEnd() {
        let ideograph: [UInt8] = [0xE5, 0x9F, 0xBA]
        let inserts: [[UInt8]] = [
            [], [0x41], [0x22], [0x5C], [0x1F], [0x80], [0xE1, 0x80, 0x80], [0xEC, 0xBF, 0xBF], [0xEE, 0x80, 0x80],
            [0xEF, 0xBF, 0xBF], [0xE0, 0xA0, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xE5, 0x9F], [0xE5], [0xE5, 0x41, 0xBA], [0xE5, 0x9F, 0x41], [0xE5, 0xC0, 0xBA], [0xE5, 0x9F, 0xC0],
            [0xF0, 0x9F, 0x98, 0x80], [0xC2, 0xA9], [0xC2], [0xF5, 0x80, 0x80], [0xFF],
        ]
        var accepted = 0, refused = 0
        for run in 0...6 {
            for insert in inserts {
                for place in 0...run {
                    let text = Array(repeating: ideograph, count: place).flatMap { $0 } + insert
                        + Array(repeating: ideograph, count: run - place).flatMap { $0 }
                    let documents: [[UInt8]] = [
                        [0x22] + text + [0x22],
                        Array(#"{"a":""#.utf8) + text + Array(#"","b":1}"#.utf8),
                        [0x22] + text,
                        [0x5B, 0x22] + text + [0x22, 0x5D],
                    ]
                    for bytes in documents {
                        let tape = CanonicalTape(bytes)
                        let strict = tapeTests.strictCanonical(bytes)
                        #expect((tape != nil) == (strict != nil && !bytes.contains(0x5C)),
                                "run \(run), insert \(insert) at \(place): \(bytes)")
                        if let tape { #expect(tape.root.jsonValue() == strict) }
                        if tape == nil { refused += 1 } else { accepted += 1 }
                    }
                }
            }
        }
        #expect(accepted > 500 && refused > 500)
    }

    /// Random objects asked for present and absent names in random orders (canonical order, reversed, repeated,
    /// shuffled) through one cursor: each answer is the member a search from the first member finds, or nil.
    @Test func memberCursor_answersAsASearchFromTheStart_inAnyOrderOfNames() throws {
        var rng = SplitMix64(seed: 0x7A9E_0101)
        var found = 0, absent = 0
        for round in 0..<1_500 {
            var members: [String: JSONValue] = [:]
            for index in 0..<Int(rng.next() % 12) {
                members["m\(rng.next() % 40)"] = .number(Double(index))
            }
            let value = JSONValue.object(members)
            let tape = try #require(CanonicalTape(value.canonicalBytes()))
            let present = (tape.root.members ?? []).map(\.name)
            var names = present + ["", "m", "m999", "n", "M1"]
            switch round % 4 {
            case 0: names = present
            case 1: names = present.reversed() + present
            case 2: names = present + present.prefix(3) + names
            default:
                for index in names.indices.reversed() {
                    names.swapAt(index, Int(rng.next() % UInt64(index + 1)))
                }
            }
            var cursor = try #require(tape.root.memberCursor)
            #expect(cursor.count == present.count)
            for name in names {
                let expected = tape.root.members?.first { $0.name == name }?.value.jsonValue()
                let answer = cursor.member(name)
                #expect(answer?.jsonValue() == expected, "round \(round): \(name) among \(present)")
                if expected == nil { absent += 1 } else { found += 1 }
            }
        }
        #expect(found > 5_000 && absent > 1_000)
        #expect(CanonicalTape(Array("[1]".utf8))?.root.memberCursor == nil)
        var empty = try #require(CanonicalTape(Array("{}".utf8))?.root.memberCursor)
        #expect(empty.member("") == nil && empty.count == 0)
    }
}

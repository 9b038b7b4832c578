import CanonicalJSON
import Testing

/// Random values: canonical bytes parse back to the same value, canonicalization is idempotent, and a
/// non-canonical spelling of the same value (whitespace, escapes everywhere, shuffled members, other number
/// spellings) parses to the same value and the same canonical bytes.
@Suite struct RoundTripTests {
    @Test func randomValues_parseBackFromTheirCanonicalBytes_andCanonicalIsIdempotent() throws {
        var rng = SplitMix64(seed: 8259)
        for round in 0..<400 {
            let value = randomValue(depth: 0, using: &rng)
            let canonical = value.canonicalBytes()
            let parsed = try JSONValue.parse(canonical)
            #expect(parsed == value, "round \(round)")
            #expect(parsed.canonicalBytes() == canonical, "round \(round)")
        }
    }

    @Test func randomValues_writtenNonCanonically_parseToTheSameCanonicalBytes() throws {
        var rng = SplitMix64(seed: 7493)
        for round in 0..<400 {
            let value = randomValue(depth: 0, using: &rng)
            var loose: [UInt8] = []
            writeLoosely(value, into: &loose, using: &rng)
            let parsed = try JSONValue.parse(loose)
            #expect(parsed == value, "round \(round): \(String(decoding: loose, as: UTF8.self))")
            #expect(parsed.canonicalBytes() == value.canonicalBytes(), "round \(round)")
        }
    }

    @Test func escapes_decodeToTheCharactersTheyName() throws {
        let value = try JSONValue.parse(#""\"\\\/\b\f\n\r\t\u0000\u00e9\u20AC\ud83d\ude00""#)
        #expect(value.stringValue?.unicodeScalars.map(\.value)
            == [0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09, 0x00, 0xE9, 0x20AC, 0x1F600])
        #expect(value.canonicalString == "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\u{E9}\u{20AC}\u{1F600}\"")
    }

    @Test func controlCharacters_withoutShortEscapes_useLowerCaseUnicodeEscapes() {
        let value = JSONValue.string("\u{1}\u{1F}\u{B}\u{7F}")
        #expect(value.canonicalString == "\"\\u0001\\u001f\\u000b\u{7F}\"")
    }

    @Test func equality_comparesScalarsExactlyAndTreatsMinusZeroAsZero() {
        #expect(JSONValue.string("\u{E9}") != JSONValue.string("e\u{301}"))
        #expect(JSONValue.number(-0.0) == JSONValue.number(0))
        #expect(JSONValue.number(-0.0).hashValue == JSONValue.number(0).hashValue)
        #expect(JSONValue.object(["\u{E9}": 1]) != JSONValue.object(["e\u{301}": 1]))
        #expect(JSONValue.object(["a": 1, "b": [true, nil]]) == ["b": [true, nil], "a": 1.0])
        #expect(Set<JSONValue>([["a": 1, "b": 2], ["b": 2, "a": 1]]).count == 1)
    }

    @Test func topLevelScalars_andSurroundingWhitespace_areAccepted() throws {
        #expect(try JSONValue.parse(" \t\r\n42 \n") == 42)
        #expect(try JSONValue.parse("\"x\"") == "x")
        #expect(try JSONValue.parse("null") == nil)
        #expect(try JSONValue.parse("[]").canonicalString == "[]")
        #expect(try JSONValue.parse("{ }").canonicalString == "{}")
    }

    // MARK: Generators

    func randomValue(depth: Int, using rng: inout SplitMix64) -> JSONValue {
        let pick = depth >= 4 ? rng.next() % 4 : rng.next() % 6
        switch pick {
        case 0: return rng.next() % 5 == 0 ? .null : .bool(rng.next() % 2 == 0)
        case 1: return .number(randomNumber(using: &rng))
        case 2, 3: return .string(randomString(using: &rng))
        case 4:
            return .array((0..<Int(rng.next() % 5)).map { _ in randomValue(depth: depth + 1, using: &rng) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int(rng.next() % 6) {
                members[randomString(using: &rng)] = randomValue(depth: depth + 1, using: &rng)
            }
            return .object(members)
        }
    }

    private func randomNumber(using rng: inout SplitMix64) -> Double {
        switch rng.next() % 4 {
        case 0: return randomFiniteDouble(using: &rng)
        case 1: return Double(Int64(truncatingIfNeeded: rng.next()) >> 11)
        case 2: return Double(Int64(truncatingIfNeeded: rng.next() % 2_000_001) - 1_000_000) / 100
        default:
            let edges = [0, -0.0, 1e21, 1e-7, 9007199254740992, 0.1, Double.leastNonzeroMagnitude.nextUp]
            return edges[Int(rng.next() % UInt64(edges.count))]
        }
    }

    private func randomString(using rng: inout SplitMix64) -> String {
        let pools: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x20...0x7E, 0x00...0x1F, 0x22...0x22, 0x5C...0x5C, 0x7F...0xFF, 0x370...0x3FF,
            0x4E00...0x9FFF, 0xE000...0xFFFF, 0x1F600...0x1F64F, 0x10000...0x10FFFF,
        ]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int(rng.next() % 8) {
            let pool = pools[Int(rng.next() % UInt64(pools.count))]
            let raw = pool.lowerBound + UInt32(rng.next() % UInt64(pool.count))
            if let scalar = Unicode.Scalar(raw) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// A legal but non-canonical spelling: random whitespace, every other character as a `\u` escape
    /// (surrogate pairs for astral ones), members in dictionary order, numbers as Swift prints them.
    private func writeLoosely(_ value: JSONValue, into out: inout [UInt8], using rng: inout SplitMix64) {
        let space: [[UInt8]] = [[], [0x20], [0x0A, 0x20, 0x20], [0x09], [0x0D, 0x0A]]
        out += space[Int(rng.next() % 5)]
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .number(let number):
            let text = number.description
            out += (text.contains("e") || rng.next() % 2 == 0 ? text : text + "E0").utf8
        case .string(let text): writeEscaped(text, into: &out, using: &rng)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeLoosely(element, into: &out, using: &rng)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += space[Int(rng.next() % 5)]
                writeEscaped(member.key, into: &out, using: &rng)
                out += space[Int(rng.next() % 5)] + [UInt8(ascii: ":")]
                writeLoosely(member.value, into: &out, using: &rng)
            }
            out.append(UInt8(ascii: "}"))
        }
        out += space[Int(rng.next() % 5)]
    }

    private func writeEscaped(_ text: String, into out: inout [UInt8], using rng: inout SplitMix64) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if mustEscape || rng.next() % 2 == 0 {
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16, uppercase: rng.next() % 2 == 0)
                    out += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
                }
            } else {
                out += String(scalar).utf8
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

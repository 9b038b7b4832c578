@testable import CanonicalJSON
import FuzzSupport
import Testing

/// `CanonicalTape` reads stored canonical JSON without a tree. Whenever it answers, the strict parser must accept
/// the same bytes as canonical and give the same value — else the audit would accept a payload the daemon refuses.
@Suite struct CanonicalTapeTests {
    /// The strict parser's view of `bytes`: the value if it parses and is canonical.
    func strictCanonical(_ bytes: [UInt8], limits: JSONLimits = .default) -> JSONValue? {
        guard let parsed = try? JSONValue.parseCheckingCanonical(bytes, limits: limits), parsed.isCanonical else {
            return nil
        }
        return parsed.value
    }

    /// Whether the tape agrees with the strict parser on `bytes`: it gives up, or both read the same value.
    func agrees(_ bytes: [UInt8], limits: JSONLimits = .default) -> Bool {
        guard let tape = CanonicalTape(bytes, limits: limits) else { return true }
        guard let strict = strictCanonical(bytes, limits: limits) else { return false }
        return tape.root.jsonValue() == strict
    }

    @Test func randomDocuments_inTheSubset_areRead_andEqualTheStrictParse() {
        var rng = SplitMix64(seed: 0x7A9E_0001)
        for _ in 0..<3_000 {
            let value = randomValue(depth: 0, plain: true, using: &rng)
            let bytes = value.canonicalBytes()
            let tape = CanonicalTape(bytes)
            #expect(tape != nil, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(tape?.root.jsonValue() == value)
        }
    }

    @Test func randomDocuments_withAnyContent_areReadOnlyWhenTheStrictParserAgrees() {
        var rng = SplitMix64(seed: 0x7A9E_0002)
        var read = 0, skipped = 0
        for _ in 0..<3_000 {
            let bytes = randomValue(depth: 0, plain: false, using: &rng).canonicalBytes()
            #expect(agrees(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            if CanonicalTape(bytes) == nil { skipped += 1 } else { read += 1 }
        }
        // Both outcomes happen, so both sides of the claim are exercised.
        #expect(read > 300 && skipped > 300)
    }

    @Test func mutantsOfCanonicalDocuments_areReadOnlyWhenTheStrictParserAgrees() {
        var rng = SplitMix64(seed: 0x7A9E_0003)
        var generator = Mutator.Generator(seed: 0x7A9E_0004)
        let seeds = (0..<40).map { _ in randomValue(depth: 0, plain: true, using: &rng).canonicalBytes() }
        var accepted = 0
        for round in 0..<Mutator.iterations(default: 20_000) {
            let mutant = Mutator.mutate(seeds[round % seeds.count], other: seeds[(round * 7 + 3) % seeds.count],
                                        using: &generator)
            #expect(agrees(mutant), "round \(round): \(mutant)")
            if CanonicalTape(mutant) != nil { accepted += 1 }
        }
        #expect(accepted > 100)
    }

    @Test func spellingsOutsideTheSubset_areLeftToTheStrictParser() {
        let refused = [
            "", " {}", "{} ", #"{"a":1 }"#, #"{"b":1,"a":2}"#, #"{"a":1,"a":2}"#, "-0", "01", "1.5", "1e3", "1E3",
            "-", "1234567890123456", #""a\n""#, #""a\"b""#, #""\u00e9""#, "[1,]", "[,1]", "{,}", #"{"a"}"#,
            #"{"a":}"#, "tru", "nul", "truex", "[1 ]", #"{"é":1}"#, "[1]]", "{}}", #""abc"#,
        ]
        for text in refused {
            #expect(CanonicalTape(Array(text.utf8)) == nil, "\(text)")
        }
        let badUTF8: [[UInt8]] = [
            [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
            [0x22, 0xE2, 0x80, 0x22], [0x22, 0x80, 0x22], [0x22, 0xFF, 0x22], [0x22, 0x01, 0x22],
        ]
        for bytes in badUTF8 {
            #expect(CanonicalTape(bytes) == nil, "\(bytes)")
        }
        let accepted = [
            "0", "-1", "123456789012345", "-123456789012345", "\"a/b\u{7F}é基😀\"", "[]", "{}", "true", "null",
            #"{"":0,"A":1,"a":[false,null,{}],"aa":"x"}"#,
        ]
        for text in accepted {
            let bytes = Array(text.utf8)
            #expect(CanonicalTape(bytes) != nil, "\(text)")
            #expect(agrees(bytes), "\(text)")
        }
    }

    /// The string scan tests 8 bytes at once and falls back to a byte loop: every kind of byte (quote, backslash,
    /// controls, DEL, stray continuation, 2/3/4-byte sequences, truncated and ill-formed ones) at every offset of
    /// a long string, as a value and as a member name, must be judged as the strict parser judges it — accepted
    /// exactly when it is canonical without an escape, and then read as the same value.
    @Test func stringScan_judgesEveryKindOfByteAtEveryOffset_asTheStrictParser() {
        let inserts: [[UInt8]] = [
            [0x22], [0x5C], [0x5C, 0x6E], [0x00], [0x1F], [0x20], [0x7E], [0x7F], [0x80], [0xBF], [0xC0, 0x80],
            [0xC2, 0xA9], [0xC2], [0xE5, 0x9F, 0xBA], [0xE5, 0x9F], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8], [0xFF],
        ]
        var accepted = 0, refused = 0
        for insert in inserts {
            for offset in 0...41 {
                var text = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDE".utf8)
                text.insert(contentsOf: insert, at: offset)
                let asValue = Array(#"{"a":""#.utf8) + text + Array(#"","b":1}"#.utf8)
                let asName = Array(#"{""#.utf8) + text + Array(#"":1}"#.utf8)
                for bytes in [asValue, asName] {
                    let tape = CanonicalTape(bytes)
                    let strict = strictCanonical(bytes)
                    let escapeFree = !bytes.contains(0x5C)
                    let asciiName = bytes == asValue || insert.allSatisfy { $0 < 0x80 }
                    #expect((tape != nil) == (strict != nil && escapeFree && asciiName),
                            "insert \(insert) at \(offset), \(bytes == asValue ? "value" : "name")")
                    if let tape { #expect(tape.root.jsonValue() == strict) }
                    if tape == nil { refused += 1 } else { accepted += 1 }
                }
            }
        }
        #expect(accepted > 300 && refused > 300)
    }

    @Test func stringBytes_areReadInPlace_andOnlyForStrings() throws {
        let bytes = Array(#"{"a":"x基y","b":12,"c":""}"#.utf8)
        let tape = try #require(CanonicalTape(bytes))
        let a = try #require(tape.root.member("a"))
        #expect(a.withStringUTF8 { Array($0) } == Array("x基y".utf8))
        #expect(Array(bytes[a.byteRange]) == Array("x基y".utf8))
        #expect(tape.root.member("c")?.withStringUTF8 { $0.count } == 0)
        #expect(tape.root.member("b")?.withStringUTF8 { $0.count } == nil)
        #expect(tape.root.withStringUTF8 { $0.count } == nil)
    }

    @Test func depthAndSizeLimits_areTheStrictParsers() {
        let nested = Array((String(repeating: "[", count: 5) + String(repeating: "]", count: 5)).utf8)
        #expect(CanonicalTape(nested, limits: JSONLimits(maxDepth: 5)) != nil)
        #expect(CanonicalTape(nested, limits: JSONLimits(maxDepth: 4)) == nil)
        #expect(strictCanonical(nested, limits: JSONLimits(maxDepth: 4)) == nil)
        let text = Array(#""0123456789""#.utf8)
        #expect(CanonicalTape(text, limits: JSONLimits(maxInputBytes: 12)) != nil)
        #expect(CanonicalTape(text, limits: JSONLimits(maxInputBytes: 11)) == nil)
    }

    @Test func members_areFoundByName_andAbsentNamesAreNil() throws {
        let tape = try #require(CanonicalTape(Array(#"{"a":{"b":[1,"x"]},"ab":true,"b":null}"#.utf8)))
        let root = tape.root
        #expect(root.count == 3)
        #expect(root.member("ab")?.bool == true)
        #expect(root.member("b")?.isNull == true)
        #expect(root.member("a")?.member("b")?.elements?.map { $0.jsonValue() } == [.number(1), .string("x")])
        #expect(root.member("abc") == nil && root.member("") == nil && root.member("A") == nil)
        #expect(root.member("a")?.member("b")?.member("x") == nil)
        #expect(root.members?.map(\.name) == ["a", "ab", "b"])
    }

    // MARK: Generators

    /// A random value; `plain` keeps it inside the tape's subset (integers of ≤ 15 digits, ASCII names, strings
    /// without characters that need escaping), otherwise anything goes.
    func randomValue(depth: Int, plain: Bool, using rng: inout SplitMix64) -> JSONValue {
        switch depth >= 4 ? rng.next() % 4 : rng.next() % 6 {
        case 0: return rng.next() % 3 == 0 ? .null : .bool(rng.next() % 2 == 0)
        case 1:
            if plain || rng.next() % 2 == 0 {
                let digits = Int64(rng.next() % 15) + 1
                var limit: Int64 = 1
                for _ in 0..<digits { limit *= 10 }
                let magnitude = Int64(rng.next() % UInt64(limit))
                return .number(Double(rng.next() % 2 == 0 ? magnitude : -magnitude))
            }
            return .number(randomFiniteDouble(using: &rng))
        case 2, 3: return .string(randomString(plain: plain, using: &rng))
        case 4:
            let count = Int(rng.next() % 5)
            return .array((0..<count).map { _ in randomValue(depth: depth + 1, plain: plain, using: &rng) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int(rng.next() % 7) {
                let name = plain || rng.next() % 3 != 0
                    ? randomName(using: &rng) : randomString(plain: false, using: &rng)
                members[name] = randomValue(depth: depth + 1, plain: plain, using: &rng)
            }
            return .object(members)
        }
    }

    private func randomName(using rng: inout SplitMix64) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".unicodeScalars)
        return String(String.UnicodeScalarView((0..<Int(rng.next() % 6)).map { _ in
            letters[Int(rng.next() % UInt64(letters.count))]
        }))
    }

    private func randomString(plain: Bool, using rng: inout SplitMix64) -> String {
        let plainPools: [ClosedRange<UInt32>] = [
            0x20...0x21, 0x23...0x5B, 0x5D...0x7E, 0x7F...0xFF, 0x4E00...0x9FFF, 0xE000...0xFFFF, 0x1F600...0x1F64F,
            0x10000...0x10FFFF,
        ]
        let anyPools: [ClosedRange<UInt32>] = plainPools + [0x00...0x1F, 0x22...0x22, 0x5C...0x5C]
        let pools = plain ? plainPools : anyPools
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int(rng.next() % 8) {
            let pool = pools[Int(rng.next() % UInt64(pools.count))]
            if let scalar = Unicode.Scalar(pool.lowerBound + UInt32(rng.next() % UInt64(pool.count))) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

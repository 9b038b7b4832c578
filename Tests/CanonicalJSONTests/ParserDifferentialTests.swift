@testable import CanonicalJSON
import FuzzSupport
import Testing

/// The parser against `ReferenceJSONParser`, the simple version it replaced: on generated documents,
/// their corruptions and mutants, both must give the same value (bit for bit, names scalar for scalar), the same
/// canonical verdict, or the same error (code, offset, path and reason).
@Suite struct ParserDifferentialTests {
    /// What a parser said about one input.
    private enum Answer {
        case value(JSONValue, isCanonical: Bool)
        case error(JSONError)
    }

    private static func reference(_ bytes: [UInt8], limits: JSONLimits) -> Answer {
        var parser = ReferenceJSONParser(bytes, limits: limits)
        do {
            let value = try parser.parseDocument()
            return .value(value, isCanonical: parser.isCanonical)
        } catch {
            return .error(error)
        }
    }

    private static func current(_ bytes: [UInt8], limits: JSONLimits) -> Answer {
        do {
            let parsed = try JSONValue.parseCheckingCanonical(bytes, limits: limits)
            return .value(parsed.value, isCanonical: parsed.isCanonical)
        } catch {
            return .error(error)
        }
    }

    /// Equality stricter than `JSONValue ==`: `-0` differs from `0`, and names and strings compare by scalars.
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x.bitPattern == y.bitPattern
        case let (.string(x), .string(y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            return x.allSatisfy { key, value in
                guard let index = y.index(forKey: key) else { return false }
                return key.unicodeScalars.elementsEqual(y[index].key.unicodeScalars) && identical(value, y[index].value)
            }
        default: return false
        }
    }

    /// `nil` when both parsers agree, else what differed.
    private static func disagreement(_ bytes: [UInt8], limits: JSONLimits = .default) -> String? {
        switch (reference(bytes, limits: limits), current(bytes, limits: limits)) {
        case let (.value(a, aCanonical), .value(b, bCanonical)):
            if !identical(a, b) { return "values differ" }
            return aCanonical == bCanonical ? nil : "isCanonical \(aCanonical) vs \(bCanonical)"
        case let (.error(a), .error(b)):
            return a == b ? nil : "errors differ: \(a) vs \(b)"
        case let (.value, .error(b)):
            return "reference accepted, parser threw \(b)"
        case let (.error(a), .value):
            return "reference threw \(a), parser accepted"
        }
    }

    @Test func generatedDocuments_andTheirCorruptions_getTheReferenceAnswers() {
        var rng = SplitMix64(seed: 0x6A50_D1FF)
        var accepted = 0, rejected = 0, duplicates = 0
        for iteration in 0..<Mutator.iterations(default: 6_000) {
            var generator = DocumentGenerator(whitespace: iteration % 3 == 0)
            var bytes = generator.value(depth: 0, using: &rng)
            switch iteration % 4 {
            case 1 where !bytes.isEmpty:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            case 2 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = DocumentGenerator.structural.randomElement(
                    using: &rng) ?? 0
            default:
                break
            }
            let limits = iteration % 5 == 0
                ? JSONLimits(maxDepth: Int.random(in: 1...4, using: &rng), maxInputBytes: 200) : .default
            let difference = Self.disagreement(bytes, limits: limits)
            #expect(difference == nil, "iteration \(iteration): \(String(decoding: bytes, as: UTF8.self))")
            if case .error(let error) = Self.current(bytes, limits: limits) {
                rejected += 1
                if error.code == .duplicateKey { duplicates += 1 }
            } else {
                accepted += 1
            }
        }
        // The generator must reach both answers and the duplicate checks, or the comparison proved little.
        #expect(accepted > 500 && rejected > 500 && duplicates > 100)
    }

    /// Strings are scanned 8 bytes at a time: every byte that needs attention must stop the scan wherever it falls
    /// in a word, and plain bytes (space, `!`, DEL) must not.
    @Test func eachKindOfByte_atEveryOffsetOfALongString_getsTheReferenceAnswer() {
        let inserts: [[UInt8]] = [[0x22], [0x5C], [0x5C, 0x6E], [0x00], [0x09], [0x1F], [0x20], [0x21], [0x7F],
                                  [0x80], [0xC3], [0xFF], Array("é".utf8), Array("中".utf8), Array("😀".utf8)]
        let plain = Array("abcdefghijklmnopqrstuvwx".utf8)
        for insert in inserts {
            for offset in 0...17 {
                let text: [UInt8] = Array(plain[..<offset]) + insert + Array(plain[offset...])
                let documents: [[UInt8]] = [[0x22] + text + [0x22], Array(#"{"k":""#.utf8) + text + Array(#""}"#.utf8)]
                for document in documents {
                    let difference = Self.disagreement(document)
                    #expect(difference == nil, "\(insert) at \(offset): \(String(decoding: document, as: UTF8.self))")
                }
            }
        }
    }

    @Test func mutantsOfSubmissions_getTheReferenceAnswers() {
        let seeds = [
            #"{"department":"bench-amr","keyId":"3eafd1d0","kind":"license.issue","nonce":"n-0","record":"#
                + #"{"authority":{"code":"350100","name":"示例市"},"businessTerm":{"from":"2021-03-15","#
                + #""longTerm":true,"to":null},"seals":[{"a":1},{"b":[2,{"c":"\n"}]}],"version":1},"#
                + #""signature":"pN+Rcb=="}"#,
            #"[{"k":1,"k\u0301":-0,"\u00e9":1e21},[[],{}],{"😀":"\ud83d\ude00","":0.5}]"#,
        ].map { Array($0.utf8) }
        var rng = Mutator.Generator(seed: 0x5EA1_0006)
        for (s, seed) in seeds.enumerated() {
            for iteration in 0..<Mutator.iterations(default: 4_000) {
                let mutant = Mutator.mutate(seed, other: seeds[(s + 1) % seeds.count], using: &rng)
                let difference = Self.disagreement(mutant)
                let text = String(decoding: mutant, as: UTF8.self)
                #expect(difference == nil, "seed \(s) iteration \(iteration): \(text)")
            }
        }
    }
}

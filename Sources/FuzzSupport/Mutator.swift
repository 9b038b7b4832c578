import Foundation

/// Deterministic mutation fuzzing for the parsers that face the network: the canonical-JSON
/// parser, the note/checkpoint parser and the submission decoder. A seeded generator makes every failure
/// replayable (the seed and iteration are in the test's message); `CERTLEDGER_FUZZ_ITERATIONS` raises the count
/// for a long run. Test support only, never shipped.
public struct Mutator: Sendable {
    /// SplitMix64: small, fast, and good enough to drive mutations.
    public struct Generator: RandomNumberGenerator, Sendable {
        private var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Bytes that matter to the formats under test: JSON structure, escapes, number parts, note separators,
    /// invalid UTF-8 and NUL.
    static let interesting: [[UInt8]] = [
        Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array("\"".utf8), Array("\\".utf8),
        Array(":".utf8), Array(",".utf8), Array("\\u".utf8), Array("\\ud800".utf8), Array("\\udc00".utf8),
        Array("e999".utf8), Array("-0".utf8), Array("1e-400".utf8), Array("9007199254740993".utf8),
        Array("\n".utf8), Array("\n\n".utf8), Array("— ".utf8), Array("+".utf8), Array("=".utf8),
        [0x00], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x80],
    ]

    /// How many mutants each seed input gets: the environment's `CERTLEDGER_FUZZ_ITERATIONS`, else `default`.
    public static func iterations(default value: Int) -> Int {
        ProcessInfo.processInfo.environment["CERTLEDGER_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? value
    }

    /// One mutant of `input`: one to four random edits (bit flip, byte set, deletion, insertion of an
    /// interesting token, duplication of a slice, truncation, splice from `other`).
    public static func mutate(_ input: [UInt8], other: [UInt8], using rng: inout Generator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1 where !bytes.isEmpty:
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...8, using: &rng))
                bytes.removeSubrange(position..<end)
            case 3:
                bytes.insert(contentsOf: interesting.randomElement(using: &rng) ?? [], at: position)
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 5:
                bytes = Array(bytes.prefix(position))
            default:
                guard !other.isEmpty else { continue }
                let from = Int.random(in: 0..<other.count, using: &rng)
                let end = min(other.count, from + Int.random(in: 1...32, using: &rng))
                bytes.insert(contentsOf: other[from..<end], at: position)
            }
        }
        return bytes
    }
}

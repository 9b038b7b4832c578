/// Random JSON texts aimed at the parser's edges: few member names (so duplicates, escaped and canonically
/// equivalent ones are common), names that need quoting in a path, numbers on both sides of every number rule,
/// strings with escapes, nesting, and optional white space. Some tokens are deliberately invalid.
struct DocumentGenerator {
    /// Member names as written in JSON (without quotes): equal after unescaping, canonically equivalent, in and
    /// out of UTF-16 order, and names a path must quote.
    static let names = [
        "a", "b", "a", #"\u0061"#, "k", "z", "\u{E9}", "e\u{301}", "\u{1F600}", #"\ud83d\ude00"#, "\u{FB33}",
        "", "e-mail address", "1x", #"\n"#, "record", #"a\"b"#,
    ]

    static let numbers = [
        "0", "-0", "1", "-12", "123456789012345", "-999999999999999", "1234567890123456", "9007199254740993",
        "9007199254740994", "1.5", "1e3", "1E+2", "0.1", "-1.0e-7", "1e21", "1e400", "1e-400", "01", "-", "1.",
        "1e", "5e-324", "100", "-0.0",
    ]

    static let strings = [
        "x", #"\n"#, #"\/"#, #"\u001f"#, #"\u001F"#, #"\u00e9"#, "\u{E9}", #"\ud83d\ude00"#, #"\ud800"#,
        #"\udc00x"#, #"\x"#, "\u{7F}", "\t", "a\"", "示例",
    ]

    static let literals = ["true", "false", "null", "tru", "nul", "fals"]

    /// Bytes that break structure when they replace one at random.
    static let structural: [UInt8] = Array("{}[]\":, x0-\\".utf8) + [0x00, 0xFF, 0x0A]

    /// Whether to sprinkle RFC 8259 white space between tokens (which makes a text non-canonical).
    let whitespace: Bool

    init(whitespace: Bool) {
        self.whitespace = whitespace
    }

    mutating func value(depth: Int, using rng: inout SplitMix64) -> [UInt8] {
        let choice = Int.random(in: 0..<(depth >= 5 ? 4 : 10), using: &rng)
        switch choice {
        case 0: return Array((Self.numbers.randomElement(using: &rng) ?? "0").utf8)
        case 1: return Array(("\"" + (Self.strings.randomElement(using: &rng) ?? "") + "\"").utf8)
        case 2: return Array((Self.literals.randomElement(using: &rng) ?? "null").utf8)
        case 3: return Array(#""plain""#.utf8)
        case 4, 5, 6: return object(depth: depth, using: &rng)
        default: return array(depth: depth, using: &rng)
        }
    }

    private mutating func object(depth: Int, using rng: inout SplitMix64) -> [UInt8] {
        // Now and then a wide object, so that duplicates come after many members.
        let count = Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 10...40, using: &rng)
            : Int.random(in: 0...5, using: &rng)
        var names = Self.names.shuffled(using: &rng)
        for index in 0..<20 { names.append("m\(index)") }
        var out: [UInt8] = Array("{".utf8)
        for index in 0..<count {
            if index > 0 { out += Array(",".utf8) }
            out += space(&rng)
            // Mostly distinct names (in generated order), sometimes one of the shared pool again.
            let name = Int.random(in: 0..<6, using: &rng) == 0
                ? Self.names.randomElement(using: &rng) ?? "a" : names[index % names.count]
            out += Array(("\"" + name + "\"").utf8) + space(&rng) + Array(":".utf8) + space(&rng)
            out += value(depth: depth + 1, using: &rng) + space(&rng)
        }
        return out + Array("}".utf8)
    }

    private mutating func array(depth: Int, using rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = Array("[".utf8)
        for index in 0..<Int.random(in: 0...5, using: &rng) {
            if index > 0 { out += Array(",".utf8) }
            out += space(&rng) + value(depth: depth + 1, using: &rng) + space(&rng)
        }
        return out + Array("]".utf8)
    }

    private func space(_ rng: inout SplitMix64) -> [UInt8] {
        guard whitespace, Int.random(in: 0..<4, using: &rng) == 0 else { return [] }
        return [[0x20], [0x0A], [0x09, 0x20], [0x0D]].randomElement(using: &rng) ?? []
    }
}

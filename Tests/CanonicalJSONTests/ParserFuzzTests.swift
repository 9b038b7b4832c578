import CanonicalJSON
import FuzzSupport
import Testing

/// Mutation fuzzing of the strict parser: no input crashes it, and whatever it accepts
/// canonicalizes to bytes that parse back to the same value and canonicalize to themselves again.
@Suite struct ParserFuzzTests {
    static let seeds: [String] = [
        #"{"kind":"license.issue","record":{"uscc":"91350100MA2YDE7W7J","version":1,"amount":"5000000.50"}}"#,
        #"[1,-0,1.5e300,5e-324,"\u00e9\ud83d\ude00",true,false,null,{"a":[],"b":{}}]"#,
        #"{"subject":"license","uscc":"91350100MA2YDE7W7J","asOf":"2026-11-29","document":{"algorithm":"sha256"}}"#,
        #"{"\u20ac":"€","\n":"\\","a\"b":[[[[0.1]]]],"z":9007199254740991}"#,
    ]

    @Test func mutants_neverCrash_andWhatParsesIsCanonicallyStable() {
        let iterations = Mutator.iterations(default: 4_000)
        var rng = Mutator.Generator(seed: 0xC3A7_1ED6_E2)
        var accepted = 0
        for (s, seed) in Self.seeds.enumerated() {
            let bytes = Array(seed.utf8)
            let other = Array(Self.seeds[(s + 1) % Self.seeds.count].utf8)
            for iteration in 0..<iterations {
                let mutant = Mutator.mutate(bytes, other: other, using: &rng)
                guard let value = try? JSONValue.parse(mutant) else { continue }
                accepted += 1
                let canonical = value.canonicalBytes()
                let again = try? JSONValue.parse(canonical)
                #expect(again == value, "seed \(s) iteration \(iteration): \(String(decoding: mutant, as: UTF8.self))")
                #expect(again?.canonicalBytes() == canonical, "seed \(s) iteration \(iteration)")
            }
        }
        // Some mutants must stay valid JSON, or the property above was never exercised.
        #expect(accepted > iterations / 20)
    }
}

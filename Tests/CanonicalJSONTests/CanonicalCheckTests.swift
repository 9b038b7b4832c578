import CanonicalJSON
import FuzzSupport
import Testing

/// `JSONValue.parseCheckingCanonical` decides "are these bytes already canonical?" while parsing; its answer must
/// be exactly `value.canonicalBytes() == bytes`, the re-serialization it saves the audit from doing.
@Suite struct CanonicalCheckTests {
    /// The reference answer, by writing the value back.
    private func reference(_ bytes: [UInt8]) -> Bool? {
        guard let value = try? JSONValue.parse(bytes) else { return nil }
        return value.canonicalBytes() == bytes
    }

    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":"x"}"#, #"{"\r":1,"1":2}"#, #"{"a":"\u001f\n\t\"\\"}"#,
        #"[1e+21,1e-7,0.1,-5,9007199254740991,5e-324]"#, "\"\u{20AC}\u{1F600}/\u{7F}\"", #"{}"#, #"[]"#, "0",
        "{\"\u{1F600}\":1,\"\u{FB33}\":2}",
    ])
    func canonicalDocuments_areReportedCanonical(_ text: String) throws {
        let bytes = Array(text.utf8)
        #expect(reference(bytes) == true)
        #expect(try JSONValue.parseCheckingCanonical(bytes).isCanonical)
    }

    @Test(arguments: [
        #"{"b":1,"a":2}"#, #"{"1":2,"\r":1}"#, #"{ "a":1}"#, #"[1 ]"#, " 0", "0\n", #""\/""#, #""\u0041""#,
        #""\u001F""#, #""\u000a""#, #""\u0022""#, #""\u00e9""#, #""\ud83d\ude00""#, #"1.0"#, #"1E2"#, #"-0"#,
        #"1e21"#, #"0.10"#, #"100e-2"#,
        // Code-point order, which is not RFC 8785's UTF-16 order for these two names.
        "{\"\u{FB33}\":2,\"\u{1F600}\":1}",
    ])
    func nonCanonicalSpellings_areReportedNotCanonical_andStillParse(_ text: String) throws {
        let bytes = Array(text.utf8)
        #expect(reference(bytes) == false)
        let parsed = try JSONValue.parseCheckingCanonical(bytes)
        #expect(!parsed.isCanonical)
        #expect(parsed.value == (try JSONValue.parse(bytes)))
    }

    @Test func mutantsOfCanonicalSeeds_agreeWithWritingTheValueBack() {
        let seeds = [
            #"{"kind":"license.issue","record":{"amount":"5000000.50","uscc":"91350100MA2YDE7W7J","version":1}}"#,
            #"[1,0,1.5e+300,5e-324,"é😀\n\u001f",true,false,null,{"a":[],"b":{}}]"#,
            #"{"\n":"\\","a\"b":[[[[0.1]]]],"z":9007199254740991,"€":"€"}"#,
        ].map { Array($0.utf8) }
        var rng = Mutator.Generator(seed: 0x8785)
        var canonical = 0, other = 0
        for (s, seed) in seeds.enumerated() {
            #expect(reference(seed) == true, "seed \(s) must be canonical")
            for iteration in 0..<Mutator.iterations(default: 3_000) {
                let mutant = Mutator.mutate(seed, other: seeds[(s + 1) % seeds.count], using: &rng)
                guard let expected = reference(mutant) else {
                    #expect((try? JSONValue.parseCheckingCanonical(mutant)) == nil)
                    continue
                }
                let answer = try? JSONValue.parseCheckingCanonical(mutant).isCanonical
                let text = String(decoding: mutant, as: UTF8.self)
                #expect(answer == expected, "seed \(s) iteration \(iteration): \(text)")
                if expected { canonical += 1 } else { other += 1 }
            }
        }
        // Both answers must have been exercised, or the comparison above proved little.
        #expect(canonical > 20 && other > 20)
    }
}

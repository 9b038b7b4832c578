import CanonicalJSON
import Testing

/// An object assembled from written members is byte for byte the canonical object of the same members.
@Suite struct CanonicalObjectTests {
    @Test func randomMembers_assembleToTheCanonicalBytesOfTheSameObject() throws {
        var rng = SplitMix64(seed: 3283)
        for round in 0..<300 {
            guard case .object(let members) = randomObject(using: &rng) else { continue }
            var object = CanonicalObject()
            for (name, value) in members.shuffled(using: &rng) {
                object.set(name, canonical: value.canonicalBytes())
            }
            #expect(object.bytes() == JSONValue.object(members).canonicalBytes(), "round \(round)")
            #expect(object.bytes(prefix: [7, 8]) == [7, 8] + JSONValue.object(members).canonicalBytes())
        }
    }

    @Test func templates_writeTheCanonicalBytesOfTheMembersAndTheValuesInTheirPlaces() throws {
        var rng = SplitMix64(seed: 5147)
        for round in 0..<300 {
            guard case .object(let members) = randomObject(using: &rng) else { continue }
            let names = Array(members.keys).shuffled(using: &rng)
            let holes = Array(names.prefix(Int.random(in: 0...min(3, names.count), using: &rng)))
            var object = CanonicalObject()
            for name in names.dropFirst(holes.count) {
                object.set(name, canonical: try #require(members[name]).canonicalBytes())
            }
            let template = object.template(holes: holes)
            // Every place filled, or some left out (absent members).
            for filled in [holes, holes.filter { _ in Bool.random(using: &rng) }] {
                let values = filled.map { (name: $0, value: members[$0]!.canonicalBytes()) }
                let expected = JSONValue.object(members.filter { !holes.contains($0.key) || filled.contains($0.key) })
                #expect(template.bytes(filling: values) == expected.canonicalBytes(), "round \(round)")
                #expect(template.bytes(prefix: [7], filling: values.reversed()) == [7] + expected.canonicalBytes())
            }
        }
    }

    @Test func namesSortByUTF16_andASecondValueReplacesTheFirst() throws {
        var object = CanonicalObject()
        object.set("\u{FB33}", string: "after the surrogates in UTF-16")
        object.set("\u{1F600}", string: "a surrogate pair")
        try object.set("b", integer: 1)
        object.set("a", string: "x\n\"y\"")
        try object.set("b", integer: -(1 << 53 - 1))
        try object.setIfPresent("absent", Optional<Int>.none)
        try object.setIfPresent("c", Optional(true))
        #expect(String(decoding: object.bytes(), as: UTF8.self)
            == "{\"a\":\"x\\n\\\"y\\\"\",\"b\":-9007199254740991,\"c\":true,\"\u{1F600}\":\"a surrogate pair\","
            + "\"\u{FB33}\":\"after the surrogates in UTF-16\"}")
    }

    @Test func integersBeyondTheExactRange_areRefusedWithTheMemberName() {
        var object = CanonicalObject()
        #expect(throws: JSONError.self) { try object.set("size", integer: 1 << 53) }
        do {
            try object.set("size", integer: Int64.min)
            Issue.record("Int64.min was accepted")
        } catch {
            #expect(error.code == .integerOutOfRange && error.path == "size")
        }
        #expect(object.bytes() == Array("{}".utf8))
    }

    private func randomObject(using rng: inout SplitMix64) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            members[randomName(using: &rng)] = RoundTripTests().randomValue(depth: 1, using: &rng)
        }
        return .object(members)
    }

    private func randomName(using rng: inout SplitMix64) -> String {
        let alphabet: [Character] = ["a", "b", "z", "A", "_", "1", "é", "\u{20AC}", "\u{1F600}", "\u{FB33}", "\""]
        return String((0..<Int.random(in: 0...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }
}

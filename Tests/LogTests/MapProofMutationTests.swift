import Foundation
import Testing
import LedgerCrypto
@testable import Log

/// Every way a status-map proof can be bent must be refused: each test mutates honest proofs from a map of a few
/// hundred keys (with deep paths) and expects the verdict, and the reason, that says so.
@Suite struct MapProofMutationTests {
    let hasher: MapHasher
    let map: SparseMerkleMap<MemoryMapNodeStore>
    let model: [Hash256: Hash256]
    let absent: [Hash256]

    init() throws {
        let hasher = MapHasher()
        self.hasher = hasher
        var keys = MapKeySource(seed: 2026)
        var model: [Hash256: Hash256] = [:]
        for _ in 0..<400 { model[keys.next()] = keys.randomHash() }
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        try map.update(model.map { MapChange(key: $0.key, valueHash: $0.value) })
        self.map = map
        self.model = model
        absent = (0..<100).map { _ in keys.next() }.filter { model[$0] == nil }
    }

    func code(_ verdict: MapVerdict) -> MapProofFailure.Code? {
        if case let .invalid(failure) = verdict { return failure.code }
        return nil
    }

    func flipped(_ hash: Hash256) -> Hash256 {
        var bytes = hash.bytes
        bytes[31] ^= 0x01
        return Hash256(bytes: bytes)!
    }

    @Test func flippedSibling_isRejected() throws {
        var tried = 0
        for key in model.keys.prefix(100) {
            let proof = try map.proof(for: key)
            for i in proof.siblings.indices {
                var siblings = proof.siblings
                siblings[i] = siblings[i].map(flipped) ?? hasher.valueHash([0])
                let verdict = MapProof(siblings: siblings, terminal: proof.terminal)
                    .evaluate(key: key, root: map.root, using: hasher)
                #expect(code(verdict) == .rootMismatch)
                tried += 1
            }
        }
        #expect(tried > 500)
    }

    @Test func nonEmptySiblingPresentedAsEmpty_isRejected() throws {
        for key in model.keys.prefix(50) {
            let proof = try map.proof(for: key)
            for i in proof.siblings.indices where proof.siblings[i] != nil {
                var siblings = proof.siblings
                siblings[i] = nil
                #expect(code(MapProof(siblings: siblings, terminal: proof.terminal)
                    .evaluate(key: key, root: map.root, using: hasher)) == .rootMismatch)
            }
        }
    }

    @Test func siblingRemovedOrAdded_isRejected() throws {
        for key in Array(model.keys.prefix(50)) + absent.prefix(50) {
            let proof = try map.proof(for: key)
            var variants: [[Hash256?]] = [proof.siblings + [nil], [nil] + proof.siblings,
                                          proof.siblings + [hasher.valueHash([1])]]
            if !proof.siblings.isEmpty {
                variants += [Array(proof.siblings.dropLast()), Array(proof.siblings.dropFirst())]
            }
            for siblings in variants {
                #expect(!MapProof(siblings: siblings, terminal: proof.terminal)
                    .evaluate(key: key, root: map.root, using: hasher).isValid)
            }
        }
    }

    /// An absence proof whose terminal is a real leaf of the map, but not one on the asked key's path.
    @Test func terminalOffTheKeysPath_isRejected() throws {
        var tried = 0
        for key in absent {
            let proof = try map.proof(for: key)
            for other in model.keys where other.commonPrefixLength(with: key) < proof.depth {
                let moved = MapProof(siblings: proof.siblings,
                                     terminal: MapProof.Terminal(key: other, valueHash: model[other]!))
                #expect(code(moved.evaluate(key: key, root: map.root, using: hasher)) == .terminalOffPath)
                tried += 1
                break
            }
        }
        #expect(tried > 50)
        // The check is on the asked key, not on the proof's own consistency: the proof of a present key,
        // presented for a key that branches off above its terminal, is refused.
        for (key, _) in model.prefix(50) {
            let proof = try map.proof(for: key)
            guard proof.depth > 0 else { continue }
            let stranger = key.setting(bit: proof.depth - 1, to: !key.bit(proof.depth - 1))
            #expect(code(proof.evaluate(key: stranger, root: map.root, using: hasher)) == .terminalOffPath)
        }
    }

    @Test func staleRoot_isRejected() throws {
        var newer = map
        let key = try #require(model.keys.first)
        try newer.update([MapChange(key: key, valueHash: hasher.valueHash([9]))])
        for probe in Array(model.keys.prefix(50)) + absent.prefix(20) {
            let old = try map.proof(for: probe)
            #expect(code(old.evaluate(key: probe, root: newer.root, using: hasher)) == .rootMismatch)
            let new = try newer.proof(for: probe)
            #expect(code(new.evaluate(key: probe, root: map.root, using: hasher)) == .rootMismatch)
        }
    }

    @Test func absenceClaimedForAPresentKey_isRejected() throws {
        for key in model.keys.prefix(50) {
            let proof = try map.proof(for: key)
            #expect(code(proof.verify(key: key, value: nil, root: map.root, using: hasher)) == .keyPresent)
            // Dropping the terminal to fake an empty subtree breaks the root.
            let emptied = MapProof(siblings: proof.siblings, terminal: nil)
            #expect(code(emptied.evaluate(key: key, root: map.root, using: hasher)) == .rootMismatch)
        }
    }

    @Test func valueClaimedForAnAbsentKey_isRejected() throws {
        for key in absent.prefix(50) {
            let proof = try map.proof(for: key)
            #expect(code(proof.verify(key: key, value: [1, 2, 3], root: map.root, using: hasher)) == .keyAbsent)
        }
    }

    /// A verdict that contradicts the map value: the value the checker was handed is not the one the map commits.
    @Test func valueNotMatchingValueHash_isRejected() throws {
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        let value = Array(#"{"status":"revoked"}"#.utf8)
        try map.update([MapChange(key: hasher.treeKey("license:A"), valueHash: hasher.valueHash(value)),
                        MapChange(key: hasher.treeKey("license:B"), valueHash: hasher.valueHash([0]))])
        let proof = try map.proof(for: "license:A")
        #expect(proof.verify(key: "license:A", value: value, root: map.root, using: hasher)
            == .present(valueHash: hasher.valueHash(value)))
        let live = Array(#"{"status":"live"}"#.utf8)
        #expect(code(proof.verify(key: "license:A", value: live, root: map.root, using: hasher)) == .valueMismatch)
        // Nor can the terminal's value hash be swapped for the claimed one.
        let swapped = MapProof(siblings: proof.siblings,
                               terminal: MapProof.Terminal(key: proof.terminal!.key, valueHash: hasher.valueHash(live)))
        #expect(code(swapped.verify(key: "license:A", value: live, root: map.root, using: hasher)) == .rootMismatch)
    }

    @Test func proofDeeperThanAKey_isRejected() {
        let proof = MapProof(siblings: Array(repeating: nil, count: 257), terminal: nil)
        #expect(code(proof.evaluate(key: .zero, root: .zero, using: hasher)) == .tooDeep)
    }
}

/// The JSON encoding: round trips, agrees with a general encoder, and refuses malformed proofs.
@Suite struct MapProofJSONTests {
    let hasher = MapHasher()

    func decode(_ text: String) throws -> MapProof {
        try JSONDecoder().decode(MapProof.self, from: Data(text.utf8))
    }

    @Test func canonicalJSON_roundTripsAndMatchesSortedJSONEncoder() throws {
        var keys = MapKeySource(seed: 77)
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        try map.update((0..<200).map { _ in MapChange(key: keys.next(), valueHash: keys.randomHash()) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<100 {
            let proof = try map.proof(for: keys.next())
            #expect(try decode(proof.canonicalJSON) == proof)
            #expect(String(decoding: try encoder.encode(proof), as: UTF8.self) == proof.canonicalJSON)
        }
    }

    @Test func decoding_rejectsMalformedProofs() {
        let b64 = Hash256.zero.base64
        let hex = hasher.valueHash([1]).hex
        #expect(hex.uppercased() != hex)
        let bad = [
            #"{"depth":1,"siblings":[],"terminal":null}"#,
            #"{"depth":0,"siblings":["\#(b64)"],"terminal":null}"#,
            #"{"depth":1,"siblings":["AAAA"],"terminal":null}"#,
            #"{"depth":0,"siblings":[]}"#,
            #"{"depth":0,"siblings":[],"terminal":{"key":"\#(hex.uppercased())","valueHash":"\#(hex)"}}"#,
            #"{"depth":0,"siblings":[],"terminal":{"key":"\#(hex)"}}"#,
            #"{"depth":0,"siblings":[],"terminal":{"key":"\#(hex)","valueHash":"00"}}"#,
        ]
        for text in bad {
            #expect(throws: DecodingError.self, "\(text)") { try decode(text) }
        }
        #expect(throws: Never.self) {
            try decode(#"{"depth":1,"siblings":[null],"terminal":{"key":"\#(hex)","valueHash":"\#(hex)"}}"#)
        }
    }
}

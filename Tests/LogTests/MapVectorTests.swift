import Foundation
import Testing
import LedgerCrypto
@testable import Log

/// `status-map-v1.json`: roots and proofs from an independent implementation of DESIGN.md §3.
struct StatusMapVectors: Decodable {
    struct Case: Decodable {
        let values: [String: String]
        let root: String
        let proofs: [ProofCase]
    }
    struct ProofCase: Decodable {
        let key: String
        let treeKey: String
        let present: Bool
        let value: String?
        let proof: MapProof
    }
    let cases: [Case]
}

@Suite struct MapVectorTests {
    let hasher = MapHasher()
    let vectors: StatusMapVectors

    init() throws {
        vectors = try merkleVector("status-map-v1.json", as: StatusMapVectors.self)
    }

    /// The map built from each case's values, in one batch.
    func map(_ values: [String: String]) throws -> SparseMerkleMap<MemoryMapNodeStore> {
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        try map.update(values.map { MapChange(key: hasher.treeKey($0.key), valueHash: hasher.valueHash($0.value.utf8)) })
        return map
    }

    @Test func vectors_coverEmptyOneAndManyKeys() {
        #expect(vectors.cases.map(\.values.count).sorted() == [0, 1, 2, 20])
        #expect(vectors.cases.flatMap(\.proofs).contains { !$0.present && $0.proof.terminal != nil })
        #expect(vectors.cases.flatMap(\.proofs).contains { !$0.present && $0.proof.terminal == nil && $0.proof.depth > 0 })
    }

    @Test func treeKeys_matchVectors() {
        for proof in vectors.cases.flatMap(\.proofs) {
            #expect(hasher.treeKey(proof.key).hex == proof.treeKey, "\(proof.key)")
        }
    }

    @Test func roots_matchVectors_builtAtOnceAndKeyByKey() throws {
        for testCase in vectors.cases {
            #expect(try map(testCase.values).root.base64 == testCase.root)
            var incremental = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
            for (key, value) in testCase.values.sorted(by: { $0.key > $1.key }) {
                try incremental.update([MapChange(key: hasher.treeKey(key), valueHash: hasher.valueHash(value.utf8))])
            }
            #expect(incremental.root.base64 == testCase.root)
            let reference = MapReference()
            let entries = testCase.values.map { (key: reference.treeKey($0.key), valueHash: reference.hash(Array($0.value.utf8))) }
            #expect(reference.root(entries).base64 == testCase.root)
        }
    }

    @Test func proofs_equalVectors() throws {
        for testCase in vectors.cases {
            let map = try map(testCase.values)
            for vector in testCase.proofs {
                #expect(try map.proof(for: vector.key) == vector.proof, "\(vector.key) in a map of \(testCase.values.count)")
            }
        }
    }

    @Test func vectorProofs_verifyAsPresentOrAbsent() throws {
        for testCase in vectors.cases {
            let root = try #require(Hash256(base64: testCase.root))
            for vector in testCase.proofs {
                let value = vector.value.map { Array($0.utf8) }
                let verdict = vector.proof.verify(key: vector.key, value: value, root: root, using: hasher)
                if vector.present {
                    #expect(verdict == .present(valueHash: hasher.valueHash(value ?? [])), "\(vector.key)")
                } else {
                    #expect(verdict == .absent, "\(vector.key)")
                }
            }
        }
    }

    /// Every sibling of every vector proof flipped in one bit, dropped or doubled: the proof must fail.
    @Test func vectorProofs_mutated_areRejected() throws {
        for testCase in vectors.cases {
            let root = try #require(Hash256(base64: testCase.root))
            for vector in testCase.proofs {
                let value = vector.value.map { Array($0.utf8) }
                let proof = vector.proof
                for i in proof.siblings.indices {
                    var siblings = proof.siblings
                    siblings[i] = siblings[i].map { flip($0, bit: i) } ?? hasher.valueHash([UInt8(i)])
                    let mutated = MapProof(siblings: siblings, terminal: proof.terminal)
                    #expect(!mutated.verify(key: vector.key, value: value, root: root, using: hasher).isValid)
                    var shorter = proof.siblings
                    shorter.remove(at: i)
                    #expect(!MapProof(siblings: shorter, terminal: proof.terminal)
                        .verify(key: vector.key, value: value, root: root, using: hasher).isValid)
                }
                let longer = MapProof(siblings: proof.siblings + [nil], terminal: proof.terminal)
                #expect(!longer.verify(key: vector.key, value: value, root: root, using: hasher).isValid)
                // The other answer for the same key is refused too.
                let other: [UInt8]? = vector.present ? nil : Array("{}".utf8)
                #expect(!proof.verify(key: vector.key, value: other, root: root, using: hasher).isValid)
            }
        }
    }

    /// The vectors' proof objects, re-encoded canonically, are the bytes `canonicalJSON` writes.
    @Test func canonicalJSON_isTheVectorEncoding() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors/status-map-v1.json")
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(raw["cases"] as? [[String: Any]])
        var checked = 0
        for (c, testCase) in cases.enumerated() {
            for (p, proofObject) in try #require(testCase["proofs"] as? [[String: Any]]).enumerated() {
                let data = try JSONSerialization.data(withJSONObject: try #require(proofObject["proof"]),
                                                      options: [.sortedKeys, .withoutEscapingSlashes])
                #expect(String(decoding: data, as: UTF8.self) == vectors.cases[c].proofs[p].proof.canonicalJSON)
                checked += 1
            }
        }
        #expect(checked == vectors.cases.flatMap(\.proofs).count)
    }

    func flip(_ hash: Hash256, bit: Int) -> Hash256 {
        var bytes = hash.bytes
        bytes[bit % 32] ^= 1 << UInt8(bit % 8)
        return Hash256(bytes: bytes)!
    }
}

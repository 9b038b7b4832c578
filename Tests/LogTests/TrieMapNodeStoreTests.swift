import LedgerCrypto
import Testing
@testable import Log

/// The trie store against the dictionary store: the same batches give the same roots, nodes and proofs, whatever the
/// mix of inserts, updates and removals (which empty and re-fill positions, reusing freed slots) — both through
/// `update` (which changes the trie's slots in place) and through `prepare` and `apply` (its `MapNodeWrites`).
@Suite struct TrieMapNodeStoreTests {
    let hasher = MapHasher()

    @Test(arguments: [UInt64(11), 12, 13, 14])
    func randomBatches_matchTheDictionaryStore(seed: UInt64) throws {
        var keys = MapKeySource(seed: seed)
        var rng = MerkleTestRNG(seed: seed &* 104_729)
        var dictionary = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        let trie = TrieMapNodeStore()
        var compact = try SparseMerkleMap(store: trie, hasher: hasher)
        let stagedTrie = TrieMapNodeStore()
        var staged = try SparseMerkleMap(store: stagedTrie, hasher: hasher)
        var present: [Hash256] = []
        for round in 0..<60 {
            var batch: [MapChange] = []
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                let choice = Int.random(in: 0..<10, using: &rng)
                let key = choice < 5 || present.isEmpty ? keys.next()
                    : (present.randomElement(using: &rng) ?? keys.next())
                let remove = Int.random(in: 0..<3, using: &rng) == 0
                batch.append(MapChange(key: key, valueHash: remove ? nil : keys.randomHash()))
                if remove { present.removeAll { $0 == key } } else { present.append(key) }
            }
            let expected = try dictionary.update(batch)
            #expect(try compact.update(batch) == expected, "seed \(seed) round \(round): root")
            #expect(trie.count == dictionary.store.count, "seed \(seed) round \(round): stored nodes")
            try staged.apply(staged.prepare(batch))
            #expect(staged.root == expected, "seed \(seed) round \(round): root through prepare and apply")
            #expect(stagedTrie.count == dictionary.store.count, "seed \(seed) round \(round): stored nodes, staged")
            for key in present.prefix(8) + [keys.randomHash()] {
                let proof = try dictionary.proof(for: key)
                #expect(try compact.proof(for: key) == proof, "seed \(seed) round \(round)")
                #expect(try staged.proof(for: key) == proof, "seed \(seed) round \(round), staged")
            }
        }
        #expect(try compact.update(present.map { MapChange(key: $0, valueHash: nil) }) == MapHasher.empty)
        #expect(trie.count == 0)
    }
}

import Testing
import LedgerCrypto
@testable import Log

/// The incremental map against `MapReference` on random maps under random batches of inserts, updates and removals.
@Suite struct SparseMerkleMapTests {
    let hasher = MapHasher()
    let reference = MapReference()

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func randomBatches_matchReference(seed: UInt64) throws {
        var keys = MapKeySource(seed: seed)
        var rng = MerkleTestRNG(seed: seed &* 7919)
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        var model: [Hash256: Hash256] = [:]
        for round in 0..<25 {
            var batch: [MapChange] = []
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let existing = Array(model.keys)
                let choice = Int.random(in: 0..<10, using: &rng)
                let key: Hash256
                if choice < 4 || existing.isEmpty {
                    key = keys.next()
                } else if choice < 9, let some = existing.randomElement(using: &rng) {
                    key = some
                } else {
                    key = keys.randomHash()
                }
                // A third of the changes remove (also keys never present); the rest set a fresh value.
                let remove = Int.random(in: 0..<3, using: &rng) == 0
                let valueHash: Hash256? = remove ? nil : keys.randomHash()
                batch.append(MapChange(key: key, valueHash: valueHash))
                model[key] = valueHash
            }
            let root = try map.update(batch)
            #expect(root == reference.root(model), "seed \(seed) round \(round): root")
            #expect(map.store.nodes == reference.nodes(model), "seed \(seed) round \(round): stored nodes")
        }
        #expect(model.count > 20)
    }

    @Test func proofs_ofEveryKeyAndOfAbsentKeys_matchReferenceAndVerify() throws {
        var keys = MapKeySource(seed: 42)
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        var model: [Hash256: Hash256] = [:]
        for _ in 0..<300 { model[keys.next()] = keys.randomHash() }
        try map.update(model.map { MapChange(key: $0.key, valueHash: $0.value) })
        var deepest = 0
        for (key, valueHash) in model {
            let proof = try map.proof(for: key)
            #expect(proof == reference.proof(key, in: model))
            #expect(proof.evaluate(key: key, root: map.root, using: hasher) == .present(valueHash: valueHash))
            deepest = max(deepest, proof.depth)
        }
        #expect(deepest > 16, "the key source must make deep paths")
        for _ in 0..<300 {
            let absent = keys.next()
            guard model[absent] == nil else { continue }
            let proof = try map.proof(for: absent)
            #expect(proof == reference.proof(absent, in: model))
            #expect(proof.evaluate(key: absent, root: map.root, using: hasher) == .absent)
        }
    }

    @Test func removingEveryKey_leavesTheEmptyMapAndNoNodes() throws {
        var keys = MapKeySource(seed: 9)
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        let all = (0..<100).map { _ in keys.next() }
        try map.update(all.map { MapChange(key: $0, valueHash: hasher.valueHash($0.bytes)) })
        #expect(map.root != .zero)
        for chunk in stride(from: 0, to: all.count, by: 7) {
            try map.update(all[chunk..<min(chunk + 7, all.count)].map { MapChange(key: $0, valueHash: nil) })
        }
        #expect(map.root == .zero)
        #expect(map.store.count == 0)
    }

    @Test func laterChangeOfAKeyInABatch_wins() throws {
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        let key = hasher.treeKey("license:x")
        let (a, b) = (hasher.valueHash([1]), hasher.valueHash([2]))
        try map.update([MapChange(key: key, valueHash: a), MapChange(key: key, valueHash: b)])
        #expect(map.root == reference.root([key: b]))
        try map.update([MapChange(key: key, valueHash: a), MapChange(key: key, valueHash: nil)])
        #expect(map.root == .zero)
    }

    @Test func reopeningAStore_keepsTheRoot() throws {
        var keys = MapKeySource(seed: 5)
        var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        try map.update((0..<50).map { _ in MapChange(key: keys.next(), valueHash: keys.randomHash()) })
        let reopened = try SparseMerkleMap(store: map.store, hasher: hasher)
        #expect(reopened.root == map.root)
    }
}

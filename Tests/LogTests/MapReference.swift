import LedgerCrypto
@testable import Log

/// The status map of DESIGN.md §3 written literally: the hash of a subtree recomputed from all its keys, the proof
/// of a key found by descending while two or more keys share the path. Shares nothing with `SparseMerkleMap` but
/// the digest, built on bytes rather than the word helpers of `Hash256`. Slow (O(n) per level) and obviously right.
struct MapReference {
    let context = DigestContext(.sha256)

    /// Bit `i` of `key`, most significant bit of the first byte first.
    static func bit(_ key: Hash256, _ i: Int) -> Bool {
        (key.bytes[i / 8] >> (7 - UInt8(i % 8))) & 1 == 1
    }

    func hash(_ bytes: [UInt8]) -> Hash256 {
        context.update(bytes)
        return context.finalize()
    }

    func treeKey(_ key: String) -> Hash256 { hash(Array("certledger/map/v1\n".utf8) + Array(key.utf8)) }

    func leaf(_ key: Hash256, _ valueHash: Hash256) -> Hash256 { hash([0x02] + key.bytes + valueHash.bytes) }

    func node(_ left: Hash256, _ right: Hash256) -> Hash256 { hash([0x03] + left.bytes + right.bytes) }

    /// The hash of the subtree at `depth` holding `entries`.
    func root(_ entries: [(key: Hash256, valueHash: Hash256)], depth: Int = 0) -> Hash256 {
        switch entries.count {
        case 0: return Hash256.zero
        case 1: return leaf(entries[0].key, entries[0].valueHash)
        default:
            return node(root(entries.filter { !Self.bit($0.key, depth) }, depth: depth + 1),
                        root(entries.filter { Self.bit($0.key, depth) }, depth: depth + 1))
        }
    }

    func root(_ map: [Hash256: Hash256]) -> Hash256 { root(map.map { ($0.key, $0.value) }) }

    /// The proof for `key`: siblings while the subtree on the path holds two or more keys, then that subtree.
    func proof(_ key: Hash256, in map: [Hash256: Hash256]) -> MapProof {
        var entries = map.map { (key: $0.key, valueHash: $0.value) }
        var siblings: [Hash256?] = []
        var depth = 0
        while entries.count >= 2 {
            let right = Self.bit(key, depth)
            let onPath = entries.filter { Self.bit($0.key, depth) == right }
            let off = entries.filter { Self.bit($0.key, depth) != right }
            siblings.append(off.isEmpty ? nil : root(off, depth: depth + 1))
            entries = onPath
            depth += 1
        }
        return MapProof(siblings: siblings,
                        terminal: entries.first.map { MapProof.Terminal(key: $0.key, valueHash: $0.valueHash) })
    }

    /// Every non-empty subtree as a store must hold it: what `MemoryMapNodeStore.nodes` must equal.
    func nodes(_ map: [Hash256: Hash256]) -> [MapNodeID: MapNode] {
        var out: [MapNodeID: MapNode] = [:]
        func walk(_ entries: [(key: Hash256, valueHash: Hash256)], _ depth: Int) {
            guard let first = entries.first else { return }
            let id = MapNodeID(depth: depth, onPathOf: first.key)
            if entries.count == 1 {
                out[id] = .leaf(key: first.key, valueHash: first.valueHash)
                return
            }
            out[id] = .branch(root(entries, depth: depth))
            walk(entries.filter { !Self.bit($0.key, depth) }, depth + 1)
            walk(entries.filter { Self.bit($0.key, depth) }, depth + 1)
        }
        walk(map.map { ($0.key, $0.value) }, 0)
        return out
    }
}

/// Random tree keys, many of them sharing long prefixes so that paths run deep: each is a random base key, or an
/// earlier key with one bit from a random position on changed (the two then share every bit above it).
struct MapKeySource {
    var rng: MerkleTestRNG
    var made: [Hash256] = []

    init(seed: UInt64) { rng = MerkleTestRNG(seed: seed) }

    mutating func randomHash() -> Hash256 {
        Hash256(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })!
    }

    mutating func next() -> Hash256 {
        var key = randomHash()
        if let base = made.randomElement(using: &rng), Bool.random(using: &rng) {
            let position = Int.random(in: 0..<256, using: &rng)
            var bytes = base.bytes
            let tail = randomHash().bytes
            bytes[position / 8] ^= UInt8(1) << (7 - UInt8(position % 8))
            // Keep the tail random below the differing bit, so that keys differ early or late at random.
            for i in 0..<256 where i > position {
                let mask = UInt8(1) << (7 - UInt8(i % 8))
                bytes[i / 8] = (bytes[i / 8] & ~mask) | (tail[i / 8] & mask)
            }
            key = Hash256(bytes: bytes)!
        }
        made.append(key)
        return key
    }
}

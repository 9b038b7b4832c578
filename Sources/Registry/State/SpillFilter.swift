/// The keys a `SpillMap` has ever written to its spill, as a Bloom filter: a key the filter has never seen is
/// certainly not in the spill, so its look-up is answered without a read of the scratch file.
///
/// Most look-ups of an audit are for keys that are not there: every entry's (department, nonce) is new, every
/// `license.issue` names a new USCC and a new document. Before the filter each of those cost a B-tree search of
/// the scratch SQLite file (≈ 2.3 reads per entry, almost all misses); now about one in a hundred does. A "maybe"
/// is always checked against the spill, so a false positive costs a read and never a wrong answer.
///
/// It grows in layers (a scalable Bloom filter): a layer holds `capacity` keys at `bitsPerKey` bits each, and
/// when it is full a layer twice as large is added; a look-up asks every layer. Each key sets `probes` bits in one
/// 64-byte block of a layer (a blocked filter: one cache line per layer per look-up). Memory is ≈ 1.3–2.5 bytes
/// per key spilled: ≈ 3.5 MB for the 1.6 million keys (nonces, licenses, seals) an audit of a million entries spills.
struct SpillFilter: Sendable {
    static let bitsPerKey = 10
    static let probes = 6
    static let firstCapacity = 65_536

    private struct Layer: Sendable {
        /// 8 words (512 bits) per block.
        var words: [UInt64]
        let blocks: UInt64
        let capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            let blocks = max(1, (capacity * SpillFilter.bitsPerKey + 511) / 512)
            self.blocks = UInt64(blocks)
            words = [UInt64](repeating: 0, count: blocks * 8)
        }
    }

    private var layers: [Layer] = []

    /// Keys added so far (with repeats).
    private(set) var count = 0

    /// Records that `key` may be in the spill.
    mutating func insert(_ key: some Hashable) {
        let hash = Self.hash(key)
        if layers.last.map({ $0.count >= $0.capacity }) ?? true {
            layers.append(Layer(capacity: layers.last.map { $0.capacity * 2 } ?? Self.firstCapacity))
        }
        let last = layers.count - 1
        let (base, bits) = Self.positions(hash, layer: last, blocks: layers[last].blocks)
        layers[last].words.withUnsafeMutableBufferPointer { words in
            var bits = bits
            for _ in 0..<Self.probes {
                words[base + Int(bits & 7)] |= 1 << ((bits >> 3) & 63)
                bits >>= 9
            }
        }
        layers[last].count += 1
        count += 1
    }

    /// False when `key` was certainly never inserted; true when it may have been.
    func mayContain(_ key: some Hashable) -> Bool {
        guard !layers.isEmpty else { return false }
        let hash = Self.hash(key)
        for (number, layer) in layers.enumerated() {
            let (base, bits) = Self.positions(hash, layer: number, blocks: layer.blocks)
            let found = layer.words.withUnsafeBufferPointer { words in
                var bits = bits
                for _ in 0..<Self.probes {
                    guard words[base + Int(bits & 7)] & (1 << ((bits >> 3) & 63)) != 0 else { return false }
                    bits >>= 9
                }
                return true
            }
            if found { return true }
        }
        return false
    }

    /// The memory the filter holds, in bytes.
    var byteCount: Int { layers.reduce(0) { $0 + $1.words.count * 8 } }

    private static func hash(_ key: some Hashable) -> UInt64 {
        UInt64(bitPattern: Int64(key.hashValue))
    }

    /// The first word of the key's block in layer `layer`, and 54 bits choosing the probed bits (3 bits: the word
    /// of the block, 6 bits: the bit of the word, per probe). Each layer remixes the hash, so a key that collides
    /// in one layer is not more likely to collide in the next.
    private static func positions(_ hash: UInt64, layer: Int, blocks: UInt64) -> (base: Int, bits: UInt64) {
        var mixed = hash ^ (UInt64(layer) &* 0x9E37_79B9_7F4A_7C15)
        mixed = (mixed ^ (mixed >> 31)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        let block = ((mixed >> 32) &* blocks) >> 32
        let bits = (mixed &* 0xD6E8_FEB8_6659_FD93) ^ (mixed >> 29)
        return (Int(block) * 8, bits)
    }
}

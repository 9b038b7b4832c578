public import Log

/// Deterministic batches for the contract checks: the same seed always gives the same bytes, and different seeds
/// give different bytes, so a store that mixes up batches or indices is caught by a plain comparison.
public enum ContractData {
    /// An entry of `length` bytes derived from `seed` (xorshift; fast and spreads every byte value).
    public static func entry(seed: UInt64, length: Int) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<length).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    /// A stand-in for a signed checkpoint; the store treats notes as opaque bytes.
    public static func checkpoint(size: UInt64, tag: String) -> [UInt8] {
        Array("contract.example/log\n\(size)\n\(tag)\n\n— contract.example/log AAAA\n".utf8)
    }

    /// A stand-in hash tile of `width` hashes (`32 × width` bytes).
    public static func tile(width: Int, seed: UInt64) -> [UInt8] { entry(seed: seed, length: 32 * width) }

    /// A batch at `firstIndex` with entries of `lengths`, the level-0 tile its last entry falls in (grown to the
    /// new size, as a sequencer would write it) and a checkpoint tagged `tag`.
    public static func batch(firstIndex: UInt64, lengths: [Int], tag: String) -> LogBatch {
        let seed = stableHash(tag)
        let entries = lengths.enumerated().map { offset, length in
            entry(seed: seed &+ firstIndex &+ UInt64(offset), length: length)
        }
        let end = firstIndex + UInt64(lengths.count)
        var tiles: [TileKey: [UInt8]] = [:]
        if end > 0 {
            let width = Int((end - 1) % 256) + 1
            tiles[TileKey(level: 0, index: (end - 1) / 256)] = tile(width: width, seed: seed &+ end)
        }
        return LogBatch(firstIndex: firstIndex, entries: entries, tiles: tiles,
            checkpoint: checkpoint(size: end, tag: tag))
    }

    /// FNV-1a: `hashValue` is randomly seeded per process and so useless for reproducible data.
    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

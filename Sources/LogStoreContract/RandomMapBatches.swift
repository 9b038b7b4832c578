import FuzzSupport
import LedgerCrypto
public import Log

/// Random status-map batches (inserts, updates of earlier keys, removals) that replay identically from a seed: what
/// the map stores' tests (SQLite, PostgreSQL) write and compare with the map in memory.
public enum RandomMapBatches {
    /// `count` batches of 1–40 changes each; about half the changes touch a key changed before, a quarter remove.
    public static func make(seed: UInt64, count: Int) -> [[MapChange]] {
        var rng = Mutator.Generator(seed: seed)
        var keys: [Hash256] = []
        func random() -> Hash256 { Hash256(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })! }
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...40, using: &rng)).map { _ in
                let key = keys.isEmpty || Bool.random(using: &rng) ? random() : keys.randomElement(using: &rng)!
                keys.append(key)
                return MapChange(key: key, valueHash: Int.random(in: 0..<4, using: &rng) == 0 ? nil : random())
            }
        }
    }
}

/// Where a `RegistryState` puts values it no longer keeps in memory: the audit of a large ledger, whose state
/// (every license, seal, document and nonce ever recorded) would otherwise grow with the log ("memory
/// stays flat as the log grows"). The audit gives it a scratch SQLite file; the daemon keeps its state in memory
/// and never spills.
///
/// Rows are opaque bytes by table; a spill is used by one walk on one task at a time.
public protocol RegistrySpill: AnyObject, Sendable {
    /// The value last written for `key` in `table`, nil if none (or deleted).
    func read(table: Int, key: [UInt8]) throws -> [UInt8]?
    /// Writes rows (a nil value deletes the key) in one transaction.
    func write(table: Int, rows: [(key: [UInt8], value: [UInt8]?)]) throws
}

/// A dictionary of the state that keeps at most `hotCapacity` recently written values in memory when it has a
/// spill, and every value otherwise (then it is exactly a `Dictionary`). Spilled values are read back on demand.
///
/// In spill mode the memory part holds what was written since the last flush; when it outgrows `hotCapacity` it is
/// written to the spill in one transaction and dropped. A look-up that misses memory asks a filter of the keys
/// ever spilled (`SpillFilter`) before it reads the spill: most keys an audit looks up are new. `count` is kept
/// exact by checking each key's presence before it is set.
struct SpillMap<Key: Hashable & Sendable & SpillKey, Value: Sendable & SpillValue>: Sendable {
    private var memory: [Key: Value?] = [:]
    private var spill: Spilled?
    /// The keys written to the spill: a key it has never seen is answered without a spill read.
    private var filter = SpillFilter()
    /// Keys with a value (memory and spill together).
    private(set) var count = 0

    /// The spill side; a reference, so a state in spill mode must have one owner (the audit's walk).
    private struct Spilled: @unchecked Sendable {
        let store: any RegistrySpill
        let table: Int
        let hotCapacity: Int
        let failure: SpillFailure
        /// The last key read from the spill and what was found: the setter's presence check right after the apply
        /// code's own read of the same key then costs nothing.
        let memo: SpillMemo<Key, Value>
    }

    init() {}

    /// Moves to spill mode (values already in memory are written out at the next flush).
    mutating func spill(to store: any RegistrySpill, table: Int, hotCapacity: Int, failure: SpillFailure) {
        spill = Spilled(store: store, table: table, hotCapacity: max(1, hotCapacity), failure: failure,
                        memo: SpillMemo())
    }

    subscript(key: Key) -> Value? {
        get {
            if let known = memory[key] { return known }
            return spilled(key)
        }
        set {
            guard let spill else {
                let old = if let newValue { memory.updateValue(.some(newValue), forKey: key) }
                          else { memory.removeValue(forKey: key) }
                count += (newValue != nil ? 1 : 0) - (old != nil ? 1 : 0)
                return
            }
            // One hash of the key for the look-up and the store together; a key not in memory is looked for in
            // the spill (usually answered by the memo of the getter's look-up just before, or by the filter).
            let old = memory.updateValue(newValue, forKey: key)
            let existed = if let old { old != nil } else { spilled(key) != nil }
            spill.memo.entry = nil
            count += (newValue != nil ? 1 : 0) - (existed ? 1 : 0)
            flushIfFull()
        }
    }

    /// The value of a key that is not in memory: nil without a spill, else the memo, the filter, the spill. The
    /// answer is remembered (absent ones too), so the setter's presence check after the apply code's own read of
    /// the same key costs a comparison.
    private func spilled(_ key: Key) -> Value? {
        guard let spill else { return nil }
        if let memo = spill.memo.entry, memo.key == key { return memo.value }
        let value: Value?
        if filter.mayContain(key) {
            value = spill.failure.attempt { try spill.store.read(table: spill.table, key: key.spillKey) }
                .flatMap { $0 }.flatMap { bytes in spill.failure.attempt { try Value(spill: bytes) } }
        } else {
            value = nil
        }
        spill.memo.entry = (key, value)
        return value
    }

    /// Whether values live in a spill (then only the recently written ones are in memory).
    var isSpilled: Bool { spill != nil }

    /// Every key with its value, in no particular order; for a map without a spill (a registry snapshot).
    func forEachInMemory(_ body: (Key, Value) throws -> Void) rethrows {
        for (key, value) in memory { if let value { try body(key, value) } }
    }

    /// Room for `count` keys without rehashing (a snapshot being loaded).
    mutating func reserveCapacity(_ count: Int) {
        memory.reserveCapacity(count)
    }

    subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        set { self[key] = newValue }
    }

    /// Writes the memory part out once it holds more than `hotCapacity` keys.
    private mutating func flushIfFull() {
        guard let spill, memory.count > spill.hotCapacity else { return }
        var rows: [(key: [UInt8], value: [UInt8]?)] = []
        rows.reserveCapacity(memory.count)
        for (key, value) in memory {
            if value != nil { filter.insert(key) }
            rows.append((key.spillKey, value.map { $0.spillBytes }))
        }
        spill.failure.attempt { try spill.store.write(table: spill.table, rows: rows) }
        memory.removeAll(keepingCapacity: true)
    }
}

/// One remembered spill read.
final class SpillMemo<Key: Sendable, Value: Sendable>: @unchecked Sendable {
    var entry: (key: Key, value: Value?)?
}

/// The first error of a spill (a full disk under the scratch file): the maps cannot throw from a subscript, so they
/// record it here and the walk stops at the next entry with it (`RegistryState.spillError`).
final class SpillFailure: @unchecked Sendable {
    private(set) var error: (any Error)?

    func attempt<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch {
            if self.error == nil { self.error = error }
            return nil
        }
    }
}

/// A key's bytes in a spill.
protocol SpillKey {
    var spillKey: [UInt8] { get }
}

/// A value's bytes in a spill, and back. Spilled bytes were written by this process, but are still read with checks
/// (a scratch file is a file): a bad one throws.
protocol SpillValue {
    var spillBytes: [UInt8] { get }
    init(spill: [UInt8]) throws
}

extension String: SpillKey {
    var spillKey: [UInt8] { Array(utf8) }
}

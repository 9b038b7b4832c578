public import LedgerCrypto
public import Log

/// Whoever keeps the status map while a log is replayed or audited (`RegistryAuditor.keepStatusMap`): at every
/// `map.root` entry it is handed the changes of the batch that entry closes and answers with the root it has there.
public protocol StatusMapKeeper: AnyObject {
    /// The map root after `changes`, the batch closed by the `map.root` entry at `index` (its version is
    /// `index + 1`); nil when the keeper does not recompute that batch (a persistent map already past it). Throws
    /// when the map cannot be kept (a store error, or a map that belongs to another history).
    func root(closingAt index: UInt64, changes: [MapChange]) throws -> Hash256?
}

/// A status map recomputed batch by batch from a log: in memory for the audit, or a persistent map caught up from
/// where it stands (`version`, the tree size of its latest batch) to the log's end at start-up.
///
/// A persistent map answers nil for the batches it already holds, except the one it stands at, whose root it
/// gives; it then applies every later batch. A map whose version is no batch of the log (ahead of it, or between
/// two map roots) belongs to another history: `root(closingAt:changes:)` throws, and `finish(logSize:)` catches a
/// map ahead of the whole log.
public final class RecomputedStatusMap<Store: MapNodeStore>: StatusMapKeeper {
    /// The map.
    public private(set) var map: SparseMerkleMap<Store>
    /// The version the map holds (0 for a map with no batch yet).
    public private(set) var version: UInt64
    /// Whether the map's version was found among the log's map roots (or it had none).
    private var matched: Bool
    /// Whether the store keeps history and wants versions named (SQLite) or not (memory).
    private let versioned: Bool

    /// A map over `store` holding the batches up to `version` (0: none).
    public init(store: Store, version: UInt64, versioned: Bool, hasher: MapHasher) throws {
        map = try SparseMerkleMap(store: store, hasher: hasher)
        self.version = version
        self.versioned = versioned
        matched = version == 0
    }

    public func root(closingAt index: UInt64, changes: [MapChange]) throws -> Hash256? {
        let next = index + 1
        if next < version { return nil }
        if next == version {
            matched = true
            return map.root
        }
        guard matched else {
            throw RegistryError(.conflict, field: "map", "the status map stands at version \(version), which is "
                                + "no batch of this log (the batch at \(index) closes at \(next))", index: index)
        }
        try map.update(changes, version: versioned ? next : nil)
        version = next
        return map.root
    }

    /// Prepares a replay that starts after entry `size - 1` (a registry snapshot's), whose `map.root` states
    /// `root`, rather than at entry 0. The map must not be behind that point (it could not catch up without the
    /// entries before it); a map standing exactly there must have that root. False when the map cannot serve such a
    /// replay: the caller replays the whole log instead.
    public func resume(after size: UInt64, root: Hash256) -> Bool {
        if version == size {
            guard map.root == root else { return false }
            matched = true
            return true
        }
        return version > size
    }

    /// Checks, after the whole log was replayed, that the map is not ahead of it.
    public func finish(logSize: UInt64) throws {
        guard matched else {
            throw RegistryError(.conflict, field: "map", "the status map stands at version \(version), but the log "
                                + "of \(logSize) entries has no map root closing there: it is ahead of the log or "
                                + "belongs to another")
        }
    }
}

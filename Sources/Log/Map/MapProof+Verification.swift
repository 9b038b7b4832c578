public import LedgerCrypto

/// Proof verification (DESIGN.md §3): fold from the terminal at depth D up to the root, choosing sides by the
/// asked key's bits; the terminal's key must share the asked key's first D bits, else it lies off the path and
/// says nothing about it. This is the one check every checker calls.
extension MapProof {
    /// What this proof shows about `key` (a tree key) against `root`: present with a value hash, absent, or
    /// invalid with the reason.
    public func evaluate(key: Hash256, root: Hash256, using hasher: MapHasher) -> MapVerdict {
        guard depth <= Self.maxDepth else {
            return .invalid(MapProofFailure(.tooDeep, "proof has \(depth) siblings, at most \(Self.maxDepth)"))
        }
        var node = MapHasher.empty
        if let terminal {
            let shared = terminal.key.commonPrefixLength(with: key)
            guard shared >= depth else {
                return .invalid(MapProofFailure(.terminalOffPath, "terminal key \(terminal.key) shares \(shared) "
                    + "bits with key \(key), the proof's depth is \(depth)"))
            }
            node = hasher.leafHash(key: terminal.key, valueHash: terminal.valueHash)
        }
        var level = depth
        while level > 0 {
            let sibling = siblings[level - 1] ?? MapHasher.empty
            node = key.bit(level - 1) ? hasher.nodeHash(sibling, node) : hasher.nodeHash(node, sibling)
            level -= 1
        }
        guard node == root else {
            return .invalid(MapProofFailure(.rootMismatch, "proof of depth \(depth) gives root \(node), "
                + "claimed \(root)"))
        }
        if let terminal, terminal.key == key {
            return .present(valueHash: terminal.valueHash)
        }
        return .absent
    }

    /// Checks a claim about `key` against `root`: that it maps to `value` (its bytes), or is absent (`nil`).
    /// Returns `.present` / `.absent` when the proof holds and agrees with the claim, `.invalid` otherwise.
    public func verify(key: Hash256, value: [UInt8]?, root: Hash256, using hasher: MapHasher) -> MapVerdict {
        let verdict = evaluate(key: key, root: root, using: hasher)
        switch (verdict, value) {
        case (.invalid, _), (.absent, nil):
            return verdict
        case let (.present(valueHash), value?):
            let claimed = hasher.valueHash(value)
            guard claimed == valueHash else {
                return .invalid(MapProofFailure(.valueMismatch, "key \(key) maps to a value hashing to \(valueHash), "
                    + "the claimed value hashes to \(claimed)"))
            }
            return verdict
        case (.present, nil):
            return .invalid(MapProofFailure(.keyPresent, "key \(key) was claimed absent, the proof shows it present"))
        case (.absent, _?):
            return .invalid(MapProofFailure(.keyAbsent, "a value was claimed for key \(key), the proof shows it "
                + "absent"))
        }
    }

    /// Checks a claim about a map key string: `verify(key:value:root:using:)` on its tree key.
    public func verify(key: String, value: [UInt8]?, root: Hash256, using hasher: MapHasher) -> MapVerdict {
        verify(key: hasher.treeKey(key), value: value, root: root, using: hasher)
    }
}

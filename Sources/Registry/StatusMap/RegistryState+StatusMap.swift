public import Log

/// The values of the status map (docs/verifier.md, "Status map values"): for each subject, the RFC 8785 bytes of
/// what decides its verdict, naming the entries that decide it. Computed from the state as it stands, so that the
/// map after a batch is a function of the log up to that batch.
extension RegistryState {
    /// The map value of `key`, or nil when the map must not hold the key (no such subject).
    ///
    /// Document keys need the document index, which a state that dropped its query indexes (`dropQueryIndexes()`,
    /// the audit's) no longer has: asking such a state about a document is a programmer error, not an absence.
    public func statusMapValue(for key: StatusMapKey) -> [UInt8]? {
        switch key {
        case let .license(uscc):
            return license(uscc).map { Self.statusMapValue(of: $0) }
        case let .seal(id):
            return seal(id).map { Self.statusMapValue(of: $0) }
        case let .document(digest):
            precondition(keepsQueryIndexes, "a state without query indexes cannot give document values")
            return document(digest).map { Self.statusMapValue(of: $0) }
        }
    }

    /// The license's value: `LicenseStatusValue`.
    public static func statusMapValue(of license: LicenseState) -> [UInt8] {
        LicenseStatusValue(license).canonicalBytes
    }

    /// The seal's value: `SealStatusValue`.
    public static func statusMapValue(of seal: SealState) -> [UInt8] {
        SealStatusValue(seal).canonicalBytes
    }

    /// The document's value: `DocumentStatusValue`.
    public static func statusMapValue(of document: DocumentRef) -> [UInt8] {
        DocumentStatusValue(document).canonicalBytes
    }
}

extension RegistryState {
    /// The map changes that bring `keys` to this state: each key's value hash, or removal where the subject is
    /// gone. Fed to `SparseMerkleMap.update` after a batch with the keys its entries touched.
    public func statusMapChanges(_ keys: some Sequence<StatusMapKey>, using hasher: MapHasher) -> [MapChange] {
        keys.map { key in
            MapChange(key: hasher.treeKey(key.string), valueHash: statusMapValue(for: key).map(hasher.valueHash))
        }
    }
}

extension RegistryState {
    /// Moves past a `map.root` entry at `index`. The ledger's own entry changes no subject; it may not come first
    /// (entry 0 is the genesis). Whether its root is right is the status map's question (`StatusMapKeeper`).
    mutating func applyMapRoot(at index: UInt64) throws(RegistryError) {
        guard index == size else {
            throw RegistryError(.conflict, "expected entry \(size), found entry \(index)")
        }
        guard parameters != nil else {
            throw RegistryError(.conflict, field: "kind", "a map.root entry cannot come before the genesis")
        }
        size = index + 1
    }
}

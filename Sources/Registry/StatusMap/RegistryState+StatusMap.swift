import CanonicalJSON
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

    /// `{"current":N,"end":M?,"endEffectiveOn":"…"?,"status":"live|revoked|cancelled","termEnd":"…"?,"version":V}`.
    public static func statusMapValue(of license: LicenseState) -> [UInt8] {
        var members: [String: JSONValue] = [
            "status": .string(license.status.rawValue),
            "current": index(license.currentIndex),
            "version": .number(Double(license.version)),
        ]
        if let end = license.endIndex { members["end"] = index(end) }
        if let day = license.endEffectiveOn { members["endEffectiveOn"] = .string(day.value) }
        if let day = license.termEnd { members["termEnd"] = .string(day.value) }
        return JSONValue.object(members).canonicalBytes()
    }

    /// `{"holder":"<USCC>","issue":N,"revoke":M?,"revokedOn":"…"?,"status":"live|revoked","validFrom":"…",
    /// "validTo":"…"}`.
    public static func statusMapValue(of seal: SealState) -> [UInt8] {
        var members: [String: JSONValue] = [
            "status": .string(seal.isRevoked ? "revoked" : "live"),
            "holder": .string(seal.holder.value),
            "issue": index(seal.issueIndex),
            "validFrom": .string(seal.validFrom.value),
            "validTo": .string(seal.validTo.value),
        ]
        if let revoke = seal.revokeIndex { members["revoke"] = index(revoke) }
        if let day = seal.revokedOn { members["revokedOn"] = .string(day.value) }
        return JSONValue.object(members).canonicalBytes()
    }

    /// `{"index":N,"uscc":"<USCC>","version":V}`: the license version whose entry carries the document.
    public static func statusMapValue(of document: DocumentRef) -> [UInt8] {
        JSONValue.object([
            "index": index(document.index),
            "uscc": .string(document.uscc.value),
            "version": .number(Double(document.version)),
        ]).canonicalBytes()
    }

    /// An entry index as a JSON number (indices stay below 2^53, DESIGN.md's entry envelope).
    private static func index(_ index: UInt64) -> JSONValue { .number(Double(index)) }
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

public import Log

extension Registry {
    /// Builds the registry of a stored log at start-up, verifying every entry as `RegistryAuditor` does (signatures
    /// against the key history at each index, roles, state rules). The daemon must refuse to start when this
    /// throws: the `RegistryError` names the first bad entry (`index`) and why. Store errors pass through.
    ///
    /// Streams the log `chunk` entries at a time; memory is the state plus one chunk.
    public static func replay(store: any LogStore, identity: LogIdentity? = nil, chunk: Int = 256,
                              progress: (UInt64, UInt64) -> Void = { _, _ in }) async throws -> Registry {
        let size = try await store.head()?.size ?? 0
        let auditor = RegistryAuditor(identity: identity)
        var index: UInt64 = 0
        while index < size {
            let end = min(size, index + UInt64(max(1, chunk)))
            let entries = try await store.entries(index..<end)
            guard entries.count == Int(end - index) else {
                throw RegistryError(.notFound, "entries \(index)..<\(end) of \(size) are missing",
                                    index: index + UInt64(entries.count))
            }
            for (offset, bytes) in entries.enumerated() {
                let at = index + UInt64(offset)
                let entry: LogEntry
                do { entry = try LogEntry(bytes: bytes) } catch {
                    throw RegistryError(.invalid, field: "entry", "the entry does not decode: \(error)", index: at)
                }
                try auditor.visit(entry)
            }
            index = end
            progress(index, size)
        }
        return Registry(state: auditor.state)
    }
}

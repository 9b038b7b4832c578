import Foundation
public import Log

extension Registry {
    /// Builds the registry of a stored log at start-up, verifying every entry as `RegistryAuditor` does (signatures
    /// against the key history at each index, roles, state rules). The daemon must refuse to start when this
    /// throws: the `RegistryError` names the first bad entry (`index`) and why. Store errors pass through.
    ///
    /// Streams the log `chunk` entries at a time; memory is the state plus two chunks. Decoding and signature
    /// checks of a chunk run on every core (`RegistryAuditor.chunkPreparer()`), while the state machine applies the chunk
    /// before it in log order, as the audit does: start-up after a crash is bounded by the machine's verify rate,
    /// not one core's.
    ///
    /// With `statusMap`, every `map.root` entry is checked against the map it keeps, which catches up with the log
    /// on the way (`RecomputedStatusMap`): the first root that differs fails the replay at its index.
    ///
    /// With `start` (a registry snapshot's state, `RegistrySnapshot`), only the entries from `start.size` on are
    /// replayed, onto that state; the caller has checked that the snapshot belongs to this log at that size.
    public static func replay(store: any LogStore, identity: LogIdentity? = nil, from start: RegistryState? = nil,
                              chunk: Int = 1_024, statusMap: (any StatusMapKeeper)? = nil,
                              progress: (UInt64, UInt64) -> Void = { _, _ in }) async throws -> Registry {
        let size = try await store.head()?.size ?? 0
        let auditor: RegistryAuditor
        if let start {
            auditor = try RegistryAuditor(identity: identity, continuing: start)
        } else {
            auditor = RegistryAuditor(identity: identity)
        }
        if let statusMap {
            auditor.keepStatusMap(statusMap, hasher: MapHasher(identity?.hashAlgorithm ?? .sha256))
        }
        let chunk = UInt64(max(1, chunk))
        var index = auditor.size
        guard index <= size else {
            throw RegistryError(.conflict, "the state to continue from has \(index) entries, the log \(size)")
        }
        var next: Task<[(LogEntry, PreparedSubmission)], any Error>?
        if size > index {
            next = prepare(store: store, range: index..<min(size, index + chunk), preparer: auditor.chunkPreparer())
        }
        while let current = next {
            let entries = try await current.value
            let end = index + UInt64(entries.count)
            // The next chunk is decoded and checked while this one is applied; its preparer knows the keys
            // registered up to here (a key registered in this chunk is checked by `visit` itself).
            next = end < size ? prepare(store: store, range: end..<min(size, end + chunk),
                                               preparer: auditor.chunkPreparer())
                : nil
            do {
                for (entry, prepared) in entries { try auditor.visit(entry, prepared: prepared) }
            } catch {
                next?.cancel()
                throw error
            }
            index = end
            progress(index, size)
        }
        return Registry(state: auditor.state, unclosed: auditor.unclosedStatusMapTouches)
    }

    /// Reads `range` and prepares its entries on every core, in order.
    private static func prepare(store: any LogStore, range: Range<UInt64>,
                                preparer: @escaping @Sendable ([LogEntry]) -> [PreparedSubmission])
        -> Task<[(LogEntry, PreparedSubmission)], any Error> {
        Task {
            let stored = try await store.entries(range)
            guard stored.count == range.count else {
                throw RegistryError(.notFound, "entries \(range.lowerBound)..<\(range.upperBound) are missing",
                                    index: range.lowerBound + UInt64(stored.count))
            }
            var entries: [LogEntry] = []
            entries.reserveCapacity(stored.count)
            for (offset, bytes) in stored.enumerated() {
                do { entries.append(try LogEntry(bytes: bytes)) } catch {
                    throw RegistryError(.invalid, field: "entry", "the entry does not decode: \(error)",
                                        index: range.lowerBound + UInt64(offset))
                }
            }
            let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, entries.count / 64))
            let frozen = entries
            let prepared = await withTaskGroup(of: (Int, [PreparedSubmission]).self) { group in
                for lane in 0..<lanes {
                    let part = frozen.indices.dropFirst(lane * frozen.count / lanes)
                        .prefix((lane + 1) * frozen.count / lanes - lane * frozen.count / lanes)
                    group.addTask { (lane, preparer(part.map { frozen[$0] })) }
                }
                var parts = [[PreparedSubmission]](repeating: [], count: lanes)
                for await (lane, part) in group { parts[lane] = part }
                return parts.flatMap { $0 }
            }
            guard prepared.count == entries.count else {
                throw RegistryError(.invalid, "entries \(range.lowerBound)..<\(range.upperBound): \(prepared.count) "
                                    + "prepared for \(entries.count) entries", index: range.lowerBound)
            }
            return Array(zip(entries, prepared))
        }
    }
}

import Foundation
import LedgerCrypto
import Log
@testable import LogPostgres
import LogStoreContract
import Testing

/// The status map over PostgreSQL: the same roots and proofs as in memory, at every version written; the current
/// version loaded whole; versions written again by another daemon left alone when they agree and refused when they
/// do not; a read-only daemon never makes the tables.
@Suite struct PostgresMapNodeStoreTests {
    let hasher = MapHasher()

    /// Random batches (inserts, updates, removals) that replay from `seed`.
    func batches(seed: UInt64, count: Int) -> [[MapChange]] {
        RandomMapBatches.make(seed: seed, count: count)
    }

    /// A ledger schema with its status map tables, for `body`; dropped afterwards.
    func withMap<T>(_ body: (PostgresLogStore, PostgresMapNodeStore) async throws -> T) async throws -> T {
        try await PostgresTestStores.withSchema { options in
            let log = try await PostgresLogStore.create(options: options, origin: PostgresTestStores.origin)
            do {
                let map = try await PostgresMapNodeStore.open(log: log, writable: true)
                let result = try await body(log, map)
                await log.close()
                return result
            } catch {
                await log.close()
                throw error
            }
        }
    }

    @Test func rootsProofsAndNodes_matchTheMemoryMap_atEveryVersion() async throws {
        try await withMap { log, stored in
            let writer = PostgresMapWriter(store: stored)
            var queued = try SparseMerkleMap(store: QueuedMapNodeStore(memory: MemoryMapNodeStore(), version: nil,
                                                                      writer: writer), hasher: hasher)
            var memory = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
            var snapshots: [(version: UInt64, map: SparseMerkleMap<MemoryMapNodeStore>, keys: [Hash256])] = []
            var seen: [Hash256] = []
            for (i, batch) in batches(seed: 17, count: 24).enumerated() {
                let version = UInt64(10 * (i + 1))
                try queued.update(batch, version: version)
                try memory.update(batch)
                #expect(queued.root == memory.root, "version \(version)")
                seen += batch.map(\.key)
                snapshots.append((version, memory, seen))
            }
            #expect(writer.queued == 24)
            try await writer.flush()
            #expect(writer.queued == 0)
            #expect(try await stored.latestVersion(atMost: .max) == 240)
            #expect(try await stored.latestVersion(atMost: 235) == 230)
            #expect(try await stored.nodes(atVersion: 240).nodes == memory.store.nodes)
            // A store opened again (another daemon, a restart) reads the same.
            let reopened = try await PostgresMapNodeStore.open(log: log, writable: true)
            for snapshot in snapshots where snapshot.version % 60 == 0 || snapshot.version == 10 {
                #expect(try await reopened.root(atVersion: snapshot.version) == snapshot.map.root)
                #expect(try await reopened.nodes(atVersion: snapshot.version).nodes == snapshot.map.store.nodes)
                for key in snapshot.keys.suffix(30) + [hasher.treeKey("license:absent")] {
                    let proven = try #require(try await reopened.proof(for: key, atVersion: snapshot.version,
                                                                      hasher: hasher))
                    #expect(proven.root == snapshot.map.root)
                    #expect(proven.proof == (try snapshot.map.proof(for: key)), "version \(snapshot.version)")
                }
            }
            // No batch made version 15: no root, no proof.
            #expect(try await reopened.root(atVersion: 15) == nil)
            #expect(try await reopened.proof(for: seen[0], atVersion: 15, hasher: hasher) == nil)
        }
    }

    @Test func aVersionWrittenAgain_isLeftAlone_whenItAgrees_andRefusedWhenNot() async throws {
        try await withMap { log, stored in
            let all = batches(seed: 5, count: 6)
            let first = PostgresMapWriter(store: stored)
            var one = try SparseMerkleMap(store: QueuedMapNodeStore(memory: MemoryMapNodeStore(), version: nil,
                                                                   writer: first), hasher: hasher)
            for (i, batch) in all.enumerated() { try one.update(batch, version: UInt64(i + 1)) }
            try await first.flush()
            // A second daemon goes through the same batches (it observed them) and writes them too: no error, and
            // the stored map is the same.
            let second = PostgresMapWriter(store: try await PostgresMapNodeStore.open(log: log, writable: true))
            var two = try SparseMerkleMap(store: QueuedMapNodeStore(memory: MemoryMapNodeStore(), version: nil,
                                                                   writer: second), hasher: hasher)
            for (i, batch) in all.enumerated() { try two.update(batch, version: UInt64(i + 1)) }
            try await second.flush()
            #expect(two.root == one.root)
            #expect(try await stored.nodes(atVersion: 6).nodes == one.store.nodes.nodes)
            // A map that went another way refuses to write over a stored version, and stops writing.
            let third = PostgresMapWriter(store: stored)
            var other = try SparseMerkleMap(store: QueuedMapNodeStore(memory: MemoryMapNodeStore(), version: nil,
                                                                     writer: third), hasher: hasher)
            try other.update(all[1], version: 1)
            try other.update(all[2], version: 7)
            await #expect(throws: LogStoreError.self) { try await third.flush() }
            #expect(third.stopped != nil)
            #expect(third.queued == 0)
            #expect(try await stored.latestVersion(atMost: .max) == 6)
            var reference = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
            #expect(try await stored.root(atVersion: 1) == (try reference.update(all[0])))
        }
    }

    @Test func versionsMustGrow_andNameThemselves() async throws {
        try await withMap { _, stored in
            var map = try SparseMerkleMap(store: QueuedMapNodeStore(memory: MemoryMapNodeStore(), version: nil,
                                                                   writer: PostgresMapWriter(store: stored)),
                                          hasher: hasher)
            let change = [MapChange(key: hasher.treeKey("license:x"), valueHash: hasher.valueHash([1]))]
            try map.update(change, version: 5)
            #expect(throws: LogStoreError.self) { try map.update(change, version: 5) }
            #expect(throws: LogStoreError.self) { try map.update(change, version: 4) }
            #expect(throws: LogStoreError.self) { try map.update(change) }
            #expect(map.store.version == 5)
        }
    }

    @Test func replace_leavesOnlyTheGivenVersion() async throws {
        try await withMap { _, stored in
            let writer = PostgresMapWriter(store: stored)
            var map = try SparseMerkleMap(store: QueuedMapNodeStore(memory: MemoryMapNodeStore(), version: nil,
                                                                   writer: writer), hasher: hasher)
            let all = batches(seed: 9, count: 4)
            for (i, batch) in all.enumerated() { try map.update(batch, version: UInt64(i + 1)) }
            try await writer.flush()
            try await stored.replace(with: map.store.nodes, version: 9, root: map.root)
            #expect(try await stored.root(atVersion: 4) == nil)
            #expect(try await stored.root(atVersion: 9) == map.root)
            #expect(try await stored.latestVersion(atMost: .max) == 9)
            #expect(try await stored.nodes(atVersion: 9).nodes == map.store.nodes.nodes)
        }
    }

    @Test func readOnlyOpen_withoutTables_isUnavailable_andMakesNone() async throws {
        try await PostgresTestStores.withSchema { options in
            let log = try await PostgresLogStore.create(options: options, origin: PostgresTestStores.origin)
            let error = await #expect(throws: LogStoreError.self) {
                try await PostgresMapNodeStore.open(log: log, writable: false)
            }
            #expect(error?.code == .unavailable)
            _ = try await PostgresMapNodeStore.open(log: log, writable: true)
            let reader = try await PostgresMapNodeStore.open(log: log, writable: false)
            #expect(try await reader.latestVersion(atMost: .max) == nil)
            await log.close()
        }
    }
}

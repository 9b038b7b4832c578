import Foundation
import LedgerCrypto
import Log
import LogSQLite
import LogStoreContract
import Testing

/// The status map over SQLite: the same roots and proofs as in memory, batch by batch; reads at older versions;
/// history kept across reopening; writes that would rewrite history refused.
@Suite struct SQLiteMapNodeStoreTests {
    let hasher = MapHasher()

    /// Random batches (inserts, updates, removals) that replay from `seed`.
    func batches(seed: UInt64, count: Int) -> [[MapChange]] {
        RandomMapBatches.make(seed: seed, count: count)
    }

    /// A map file at `path` written with `batches` (version i + 1 for the i-th), and the memory map they make.
    func filledFile(_ path: String, with batches: [[MapChange]]) throws -> SparseMerkleMap<MemoryMapNodeStore> {
        var sqlite = try SparseMerkleMap(store: SQLiteMapNodeStore.create(path: path), hasher: hasher)
        var memory = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
        for (i, batch) in batches.enumerated() {
            try sqlite.update(batch, version: UInt64(i + 1))
            try memory.update(batch)
        }
        return memory
    }

    @Test func rootsAndProofs_matchTheMemoryMap_atEveryVersion() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/map.sqlite"
            var sqlite = try SparseMerkleMap(store: SQLiteMapNodeStore.create(path: path), hasher: hasher)
            var memory = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
            var snapshots: [(version: UInt64, map: SparseMerkleMap<MemoryMapNodeStore>, keys: [Hash256])] = []
            var seen: [Hash256] = []
            for (i, batch) in batches(seed: 11, count: 30).enumerated() {
                let version = UInt64(10 * (i + 1))
                try sqlite.update(batch, version: version)
                try memory.update(batch)
                #expect(sqlite.root == memory.root, "version \(version)")
                seen += batch.map(\.key)
                snapshots.append((version, memory, seen))
            }
            let store = try SQLiteMapNodeStore.open(path: path)
            #expect(store.version == 300)
            #expect(try SparseMerkleMap(store: store, hasher: hasher).root == memory.root)
            for snapshot in snapshots where snapshot.version % 50 == 0 || snapshot.version == 10 {
                #expect(try store.root(atVersion: snapshot.version) == snapshot.map.root)
                // Between two versions the older one answers.
                for at in [snapshot.version, snapshot.version + 5] {
                    let old = try SparseMerkleMap(store: store.view(atVersion: at), hasher: hasher)
                    #expect(old.root == snapshot.map.root, "view at \(at)")
                    for key in snapshot.keys.suffix(40) {
                        #expect(try old.proof(for: key) == snapshot.map.proof(for: key))
                    }
                }
            }
            #expect(try store.root(atVersion: 15) == nil)
        }
    }

    /// The in-memory mirror loaded from the file holds exactly the memory map's nodes (tombstones and older
    /// versions left out), and updates through it keep file, mirror and memory map on the same root.
    @Test func mirror_loadsTheLatestVersion_andWritesThrough() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/map.sqlite"
            var sqlite = try SparseMerkleMap(store: SQLiteMapNodeStore.create(path: path), hasher: hasher)
            var memory = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
            let all = batches(seed: 23, count: 40)
            for (i, batch) in all.prefix(30).enumerated() {
                try sqlite.update(batch, version: UInt64(i + 1))
                try memory.update(batch)
            }
            let mirror = try MirroredMapNodeStore(file: SQLiteMapNodeStore.open(path: path))
            #expect(try mirror.file.currentNodes().nodes == memory.store.nodes)
            var mirrored = try SparseMerkleMap(store: mirror, hasher: hasher)
            #expect(mirrored.root == memory.root)
            for (i, batch) in all.suffix(10).enumerated() {
                try mirrored.update(batch, version: UInt64(31 + i))
                try memory.update(batch)
                #expect(mirrored.root == memory.root)
            }
            let reopened = try SQLiteMapNodeStore.open(path: path)
            #expect(try SparseMerkleMap(store: reopened, hasher: hasher).root == memory.root)
            #expect(try reopened.currentNodes().nodes == memory.store.nodes)
        }
    }

    /// A partial mirror reads unknown positions from the file and, once offered the whole version another
    /// connection read at some earlier batch, merges it without losing what it read or wrote since: the same roots
    /// and proofs as a memory map at every step, and afterwards exactly its nodes.
    @Test func partialMirror_readsFromTheFile_thenMergesAnOlderWholeVersion() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/map.sqlite"
            var sqlite = try SparseMerkleMap(store: SQLiteMapNodeStore.create(path: path), hasher: hasher)
            var memory = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
            let all = batches(seed: 29, count: 60)
            for (i, batch) in all.prefix(30).enumerated() {
                try sqlite.update(batch, version: UInt64(i + 1))
                try memory.update(batch)
            }
            let mirror = MirroredMapNodeStore(partial: try SQLiteMapNodeStore.open(path: path))
            #expect(!mirror.isComplete)
            var mirrored = try SparseMerkleMap(store: mirror, hasher: hasher)
            #expect(mirrored.root == memory.root)
            let keys = all.flatMap { $0.map(\.key) }
            var older: (nodes: VersionedMapNodes, version: UInt64?)?
            for (i, batch) in all.suffix(30).enumerated() {
                try mirrored.update(batch, version: UInt64(31 + i))
                try memory.update(batch)
                #expect(mirrored.root == memory.root, "batch \(31 + i)")
                for key in keys.prefix(5 * (i + 1)).suffix(5) {
                    #expect(try mirrored.proof(for: key) == memory.proof(for: key))
                }
                // A reader on its own connection takes the whole version after batch 40; it is offered ten
                // batches later, when it is already old.
                if i == 9 { older = try SQLiteMapNodeStore.open(path: path).currentNodesWithVersion() }
                if i == 19, let whole = older {
                    #expect(whole.version == 40)
                    mirror.offer(whole.nodes, version: whole.version)
                }
            }
            #expect(mirror.isComplete)
            #expect(mirrored.store.isComplete)
            #expect(try SQLiteMapNodeStore.open(path: path).currentNodes().nodes == memory.store.nodes)
            for key in keys.suffix(40) { #expect(try mirrored.proof(for: key) == memory.proof(for: key)) }
            let fresh = try MirroredMapNodeStore(file: SQLiteMapNodeStore.open(path: path))
            #expect(try SparseMerkleMap(store: fresh, hasher: hasher).root == memory.root)
        }
    }

    /// A partial mirror asked for proofs before any update (a restart from a snapshot): every proof is the memory
    /// map's, read from the file position by position.
    @Test func partialMirror_provesBeforeAnyUpdate() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/map.sqlite"
            let all = batches(seed: 31, count: 20)
            let memory = try filledFile(path, with: all)
            let mirror = MirroredMapNodeStore(partial: try SQLiteMapNodeStore.open(path: path))
            let mirrored = try SparseMerkleMap(store: mirror, hasher: hasher)
            #expect(mirrored.root == memory.root)
            for key in all.flatMap({ $0.map(\.key) }) {
                #expect(try mirrored.proof(for: key) == memory.proof(for: key))
            }
        }
    }

    /// The whole version offered while a proof is under way (the start's background reader finishing between two
    /// look-ups of one proof): the proof is still the memory map's, the mirror complete after it.
    @Test func partialMirror_offeredMidProof_provesTheSame() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/map.sqlite"
            let all = batches(seed: 37, count: 12)
            let memory = try filledFile(path, with: all)
            let keys = all.flatMap { $0.map(\.key) }
            for key in keys.prefix(4) {
                let mirror = MirroredMapNodeStore(partial: try SQLiteMapNodeStore.open(path: path))
                // The root read from the file, neither of its children yet, when the whole version arrives.
                let mirrored = try SparseMerkleMap(store: mirror, hasher: hasher)
                let whole = try SQLiteMapNodeStore.open(path: path).currentNodesWithVersion()
                mirror.offer(whole.nodes, version: whole.version)
                #expect(try mirrored.proof(for: key) == memory.proof(for: key))
                #expect(mirror.isComplete)
            }
        }
    }

    @Test func writesThatRewriteHistory_areRefused() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/map.sqlite"
            var map = try SparseMerkleMap(store: SQLiteMapNodeStore.create(path: path), hasher: hasher)
            let change = [MapChange(key: hasher.treeKey("license:x"), valueHash: hasher.valueHash([1]))]
            try map.update(change, version: 5)
            #expect(throws: LogStoreError.self) { try map.update(change, version: 5) }
            #expect(throws: LogStoreError.self) { try map.update(change, version: 4) }
            #expect(throws: LogStoreError.self) { try map.update(change) }
            var view = try SparseMerkleMap(store: map.store.view(atVersion: 5), hasher: hasher)
            #expect(throws: LogStoreError.self) { try view.update(change, version: 9) }
            // A failed write leaves the map as it was.
            #expect(try SQLiteMapNodeStore.open(path: path).version == 5)
            #expect(try SparseMerkleMap(store: SQLiteMapNodeStore.open(path: path), hasher: hasher).root == map.root)
        }
    }

    @Test func createOnAnExistingDatabase_andOpenOfAForeignFile_areRefused() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/map.sqlite"
            _ = try SQLiteMapNodeStore.create(path: path)
            #expect(throws: LogStoreError.self) { try SQLiteMapNodeStore.create(path: path) }
            let log = folder + "/log.sqlite"
            let logStore = try await SQLiteLogStore.create(path: log)
            await logStore.close()
            #expect(throws: LogStoreError.self) { try SQLiteMapNodeStore.open(path: log) }
        }
    }
}

import Foundation
import Testing
import LedgerCrypto
import SignedNote
import LogStoreContract
import Synchronization
@testable import Log

/// Wraps a store and corrupts what it returns: one entry, one tile, or hides the tail — the tampering an auditor
/// must catch. Appends pass through untouched.
struct TamperingStore: LogStore {
    let base: any LogStore
    var flipEntry: UInt64? = nil
    var flipTile: TileKey? = nil
    var swapEntries: (UInt64, UInt64)? = nil
    /// Replaced by bytes that are not an entry at all.
    var garbleEntry: UInt64? = nil
    /// A stored checkpoint replaced (both by size and in listings).
    var replaceCheckpoint: (size: UInt64, note: [UInt8])? = nil

    func head() async throws -> LogHead? { try await base.head() }
    func append(_ batch: LogBatch) async throws { try await base.append(batch) }
    func tile(_ key: TileKey) async throws -> [UInt8]? {
        guard var tile = try await base.tile(key) else { return nil }
        if key == flipTile, !tile.isEmpty { tile[tile.count - 1] ^= 1 }
        return tile
    }
    func checkpoint(size: UInt64) async throws -> [UInt8]? {
        if let replaceCheckpoint, replaceCheckpoint.size == size { return replaceCheckpoint.note }
        return try await base.checkpoint(size: size)
    }
    func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
        try await base.checkpoints(from: size, limit: limit).map { head in
            guard let replaceCheckpoint, replaceCheckpoint.size == head.size else { return head }
            return LogHead(size: head.size, checkpoint: replaceCheckpoint.note)
        }
    }
    func metadata(_ key: String) async throws -> String? { try await base.metadata(key) }
    func setMetadata(_ key: String, _ value: String) async throws { try await base.setMetadata(key, value) }
    func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] {
        var out = try await base.entries(range)
        for (offset, _) in out.enumerated() {
            let index = range.lowerBound + UInt64(offset)
            if index == flipEntry { out[offset][out[offset].count / 2] ^= 0x01 }
            if index == garbleEntry { out[offset] = Array(#"{"index":"x"}"#.utf8) }
            if let (a, b) = swapEntries, index == a || index == b {
                let other = index == a ? b : a
                out[offset] = try await base.entries(other..<(other + 1))[0]
            }
        }
        return out
    }
}

/// Builds a log of `count` entries in small batches (so there are many checkpoints and partial tiles).
func buildLog(_ count: Int, store: any LogStore) async throws -> (TestLog, [SequencedGroup]) {
    let log = try TestLog(store: store)
    var config = SequencerConfig()
    config.maxBatchEntries = 37
    let sequencer = try await log.sequencer(config: config)
    let groups = try await withRunning(sequencer) {
        try await withThrowingTaskGroup(of: SequencedGroup.self) { tasks in
            for i in 0..<count { tasks.addTask { try await sequencer.submit([payload(i)]) } }
            return try await tasks.reduce(into: []) { $0.append($1) }
        }
    }
    return (log, groups)
}

@Suite struct LogReaderTests {
    @Test func inclusionProofs_fromStoredTiles_verifyAgainstEveryCheckpoint() async throws {
        let (log, groups) = try await buildLog(700, store: MemoryLogStore())
        let hasher = MerkleHasher(.sha256)
        let size = try #require(try await log.store.head()).size
        for group in groups.shuffled().prefix(120) {
            let item = group.items[0]
            let cp = try SignedCheckpoint(opening: group.checkpoint, logVerifier: log.identity.verifier)
            let proof = try await log.reader.inclusionProof(index: item.entry.index, size: group.treeSize,
                                                            treeSize: size)
            #expect(try hasher.verifyInclusion(leafHash: item.leafHash, index: item.entry.index,
                                               treeSize: group.treeSize, proof: proof,
                                               rootHash: cp.checkpoint.rootHash).isValid)
        }
    }

    @Test func consistencyProofs_linkEveryCheckpointToTheLatest() async throws {
        let (log, groups) = try await buildLog(600, store: MemoryLogStore())
        let hasher = MerkleHasher(.sha256)
        let head = try #require(try await log.store.head())
        let latest = try SignedCheckpoint(opening: head.checkpoint, logVerifier: log.identity.verifier).checkpoint
        for group in groups.prefix(80) {
            let old = try SignedCheckpoint(opening: group.checkpoint, logVerifier: log.identity.verifier).checkpoint
            let proof = try await log.reader.consistencyProof(size1: old.size, size2: head.size, treeSize: head.size)
            #expect(try hasher.verifyConsistency(size1: old.size, size2: head.size, proof: proof,
                                                 root1: old.rootHash, root2: latest.rootHash).isValid)
        }
    }

    @Test func tilesAndBundles_matchWhatWasAppended() async throws {
        let (log, _) = try await buildLog(300, store: MemoryLogStore())
        let size: UInt64 = 300
        let entries = try await log.store.entries(0..<size)
        let bundle0 = try await log.reader.entryBundle(try TilePath(parsing: "tile/entries/000"), treeSize: size)
        #expect(try EntryBundle.decode(bundle0) == Array(entries[0..<256]))
        let bundle1 = try await log.reader.entryBundle(try TilePath(parsing: "tile/entries/001.p/44"), treeSize: size)
        #expect(try EntryBundle.decode(bundle1) == Array(entries[256..<300]))
        let hasher = MerkleHasher(.sha256)
        let tile0 = try await log.reader.hashTile(try TilePath(parsing: "tile/0/000"), treeSize: size)
        #expect(tile0 == entries[0..<256].flatMap { hasher.leafHash($0).bytes })
        // Wider than the tree has: refused, not padded.
        await #expect(throws: LogError.self) {
            try await log.reader.entryBundle(try TilePath(parsing: "tile/entries/001.p/45"), treeSize: size)
        }
        await #expect(throws: LogError.self) {
            try await log.reader.hashTile(try TilePath(parsing: "tile/0/002"), treeSize: size)
        }
    }

    @Test func outOfRangeReads_nameTheNumbers() async throws {
        let (log, _) = try await buildLog(10, store: MemoryLogStore())
        do {
            _ = try await log.reader.inclusionProof(index: 10, size: 10, treeSize: 10)
            Issue.record("index 10 accepted")
        } catch let error as LogError {
            #expect(error.code == .outOfRange)
            #expect(error.reason.contains("10"))
        }
        await #expect(throws: LogError.self) { try await log.reader.consistencyProof(size1: 5, size2: 11, treeSize: 10) }
        await #expect(throws: LogError.self) { try await log.reader.entry(at: 11, treeSize: 10) }
    }
}

@Suite struct LogVerifierTests {
    @Test func untouchedLog_verifiesEndToEnd() async throws {
        let (log, _) = try await buildLog(520, store: MemoryLogStore())
        var progress: [UInt64] = []
        let report = try await LogVerifier(store: log.store, identity: log.identity).verify(progress: { done, _ in
            progress.append(done)
        })
        #expect(report.isValid, "\(report)")
        #expect(report.verifiedEntries == 520)
        #expect(progress.last == 520)
        let stored = try await log.store.checkpoints(from: 0, limit: 10_000)
        #expect(stored.count > 14)   // batches of at most 37 entries
        #expect(report.verifiedCheckpoints == UInt64(stored.count))
    }

    /// Every stored checkpoint's signature is checked exactly once, and the head's once more at the start, also
    /// when each chunk's listing of checkpoints (by count) runs past the chunk's end: a ledger of small batches must
    /// not pay for a signature twice.
    @Test func everyStoredCheckpoint_isVerifiedOnce() async throws {
        let (log, _) = try await buildLog(520, store: MemoryLogStore())
        let stored = try await log.store.checkpoints(from: 0, limit: 10_000)
        let counting = CountingNoteVerifier(log.identity.verifier)
        var verifier = LogVerifier(store: log.store, identity: LogIdentity(
            origin: log.identity.origin, hashAlgorithm: log.identity.hashAlgorithm, verifier: counting))
        verifier.chunk = 16   // chunks shorter than most batches: every listing reaches into the next chunks
        let report = try await verifier.verify()
        #expect(report.isValid, "\(report)")
        #expect(report.verifiedCheckpoints == UInt64(stored.count))
        #expect(counting.calls == stored.count + 1)
    }

    /// An older checkpoint (served for proofs at its size) whose root is wrong — validly signed with the log's own
    /// key, or with its signature line damaged — fails the run at the last entry of its tree.
    @Test func olderCheckpoint_withAnotherRootOrABrokenSignature_failsAtItsSize() async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(300, store: memory)
        let stored = try await memory.checkpoints(from: 0, limit: 10_000)
        let old = stored[stored.count / 2]
        let opened = try SignedCheckpoint(opening: old.checkpoint, logVerifier: log.identity.verifier)
        var otherRoot = opened.checkpoint.rootHash.bytes
        otherRoot[0] ^= 1
        let forged = try SignedCheckpoint.sign(
            try Checkpoint(origin: log.identity.origin, size: old.size, rootHash: try #require(Hash256(bytes: otherRoot))),
            with: log.signer).bytes
        var brokenSignature = old.checkpoint
        brokenSignature[brokenSignature.count - 10] ^= 0x04
        let wrongSize = try SignedCheckpoint.sign(
            try Checkpoint(origin: log.identity.origin, size: old.size + 1, rootHash: opened.checkpoint.rootHash),
            with: log.signer).bytes
        for (note, words) in [(forged, "root"), (brokenSignature, "does not verify"), (wrongSize, "is for size")] {
            let tampered = TamperingStore(base: memory, replaceCheckpoint: (old.size, note))
            let report = try await LogVerifier(store: tampered, identity: log.identity).verify()
            #expect(report.failure?.index == old.size - 1, "\(report)")
            #expect(report.failure?.reason.contains(words) == true, "\(report)")
            #expect(report.failure?.reason.contains("size \(old.size)") == true, "\(report)")
        }
    }

    @Test func flippedEntryByte_isFoundAtItsIndex() async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(300, store: memory)
        let tampered = TamperingStore(base: memory, flipEntry: 123)
        let report = try await LogVerifier(store: tampered, identity: log.identity).verify()
        #expect(!report.isValid)
        // Either the entry no longer decodes, or it does and the next entry's prev no longer matches.
        #expect(report.failure?.index == 123 || report.failure?.index == 124, "\(report)")
    }

    @Test func swappedEntries_breakTheChainAtTheFirst() async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(50, store: memory)
        let report = try await LogVerifier(store: TamperingStore(base: memory, swapEntries: (20, 21)),
                                           identity: log.identity).verify()
        #expect(report.failure?.index == 20, "\(report)")
    }

    @Test func entryThatDoesNotDecode_isTheFailure_afterEveryEntryBeforeItWasVisitedWithItsOwnPreparedValue()
        async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(520, store: memory)
        // Entry 300 lies inside the second chunk of 256: the entries before it in that chunk are still walked.
        var visited: [UInt64] = []
        let report = try await LogVerifier(store: TamperingStore(base: memory, garbleEntry: 300), identity: log.identity)
            .verify(chunkPreparer: { { @Sendable entries in entries.map(\.index) } }, visit: { entry, prepared in
                #expect(prepared == entry.index, "entry \(entry.index) was handed the value prepared for \(prepared)")
                visited.append(entry.index)
            })
        #expect(report.failure?.index == 300, "\(report)")
        #expect(report.failure?.reason.contains("does not decode") == true, "\(report)")
        #expect(report.verifiedEntries == 300)
        #expect(visited == Array(0..<300))
    }

    @Test func earlierProblemInTheSameChunk_isReportedBeforeAnEntryThatDoesNotDecode() async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(300, store: memory)
        let store = TamperingStore(base: memory, swapEntries: (261, 262), garbleEntry: 270)
        let report = try await LogVerifier(store: store, identity: log.identity).verify()
        #expect(report.failure?.index == 261, "\(report)")
        #expect(report.failure?.reason.contains("does not decode") == false, "\(report)")
    }

    @Test func alteredTile_isFound() async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(300, store: memory)
        let report = try await LogVerifier(store: TamperingStore(base: memory, flipTile: TileKey(level: 0, index: 0)),
                                           identity: log.identity).verify()
        #expect(!report.isValid)
        #expect(report.failure?.reason.contains("tile") == true, "\(report)")
    }

    @Test func checkpointFromAnotherKey_isRejected() async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(5, store: memory)
        let other = try Ed25519NoteSigner.generate(name: log.identity.origin)
        let stranger = LogIdentity(origin: log.identity.origin, hashAlgorithm: .sha256, verifier: other.verifier)
        let report = try await LogVerifier(store: memory, identity: stranger).verify()
        #expect(!report.isValid && report.failure?.index == nil)
    }
}

@Suite struct TreeHeadLoadTests {
    @Test func reopenedStore_givesTheSameHead() async throws {
        let (log, _) = try await buildLog(333, store: MemoryLogStore())
        let head = try await TreeHead.load(from: log.store, identity: log.identity)
        #expect(head.size == 333)
        let stored = try #require(try await log.store.head())
        #expect(head.checkpoint == stored.checkpoint)
        let cp = try SignedCheckpoint(opening: stored.checkpoint, logVerifier: log.identity.verifier)
        #expect(head.root == cp.checkpoint.rootHash)
    }

    @Test func storeInconsistentWithItsCheckpoint_isRefusedWithAReason() async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(300, store: memory)
        // The right edge's level-0 tile (index 1) altered: the root no longer matches the checkpoint.
        let edgeTampered = TamperingStore(base: memory, flipTile: TileKey(level: 0, index: 1))
        do {
            _ = try await TreeHead.load(from: edgeTampered, identity: log.identity)
            Issue.record("an inconsistent store was accepted")
        } catch let error as LogError {
            #expect(error.code == .inconsistent)
            #expect(error.reason.contains("root"))
        }
        // The last entry altered: it no longer hashes to the last leaf.
        do {
            _ = try await TreeHead.load(from: TamperingStore(base: memory, flipEntry: 299), identity: log.identity)
            Issue.record("an altered last entry was accepted")
        } catch let error as LogError {
            #expect(error.code == .inconsistent)
        }
    }
}

/// A note verifier that counts its signature checks.
final class CountingNoteVerifier: NoteVerifier {
    let base: any NoteVerifier
    private let count = Mutex(0)

    init(_ base: any NoteVerifier) {
        self.base = base
    }

    var name: String { base.name }
    var keyID: UInt32 { base.keyID }
    var calls: Int { count.withLock { $0 } }

    func verify(_ message: [UInt8], signature: [UInt8]) -> Bool {
        count.withLock { $0 += 1 }
        return base.verify(message, signature: signature)
    }
}

import Foundation
import LedgerCrypto
import Log
import LogStoreContract
import SignedNote
import Testing

/// `CheckpointRecord`: the signed checkpoint kept apart from the store, and how a stored tree relates to it.
@Suite struct CheckpointRecordTests {
    func temporaryPath() -> String {
        NSTemporaryDirectory() + "checkpoint-record-\(UUID())"
    }

    @Test func absentFile_readsNil_writtenRecord_readsBackVerified() throws {
        let log = try TestLog(store: MemoryLogStore())
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let record = CheckpointRecord(path: path)
        #expect(try record.read(verifier: log.identity.verifier) == nil)
        let signed = try SignedCheckpoint.sign(
            try Checkpoint(origin: log.identity.origin, size: 7, rootHash: MerkleHasher(.sha256).emptyRoot()),
            with: log.signer)
        try record.write(signed.bytes)
        try record.write(signed.bytes)   // replacing is atomic and leaves no temporary file
        #expect(try record.read(verifier: log.identity.verifier)?.bytes == signed.bytes)
        let folder = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(name) } == [name])
        // Another ledger's key, or a damaged file: an error naming the file, never "no record".
        let other = try TestLog(store: MemoryLogStore())
        #expect(throws: LogError.self) { _ = try record.read(verifier: other.identity.verifier) }
        var damaged = signed.bytes
        damaged[damaged.count - 5] ^= 0x01
        try record.write(damaged)
        do {
            _ = try record.read(verifier: log.identity.verifier)
            Issue.record("a damaged record was accepted")
        } catch let error as LogError {
            #expect(error.code == .inconsistent && error.reason.contains(path))
        }
    }

    @Test func relation_extendsShrankOrForked() async throws {
        let memory = MemoryLogStore()
        let (log, _) = try await buildLog(120, store: memory)
        let stored = try await memory.checkpoints(from: 0, limit: 1_000)
        let head = try #require(stored.last)
        let headRoot = try SignedCheckpoint(opening: head.checkpoint, logVerifier: log.identity.verifier)
            .checkpoint.rootHash
        func relation(_ checkpoint: [UInt8], size: UInt64 = 120) async throws -> CheckpointRecord.Relation {
            let recorded = try SignedCheckpoint(opening: checkpoint, logVerifier: log.identity.verifier).checkpoint
            return try await CheckpointRecord.relation(of: recorded, toTreeOf: size, root: headRoot, in: memory,
                                                       hashAlgorithm: .sha256)
        }
        // Every older checkpoint, and the head itself, is extended by the stored tree.
        for old in stored { #expect(try await relation(old.checkpoint) == .extends) }
        // A record larger than the store: entries are missing.
        let bigger = try SignedCheckpoint.sign(try Checkpoint(origin: log.identity.origin, size: 200,
                                                              rootHash: headRoot), with: log.signer).bytes
        #expect(try await relation(bigger) == .shrank(recorded: 200, stored: 120))
        // Another root at an older size or at the same size: another history.
        for size in [UInt64(50), 120] {
            let forged = try SignedCheckpoint.sign(
                try Checkpoint(origin: log.identity.origin, size: size,
                               rootHash: try #require(Hash256(bytes: [UInt8](repeating: 7, count: 32)))),
                with: log.signer).bytes
            guard case .forked(let recorded, let storedSize, _) = try await relation(forged) else {
                Issue.record("another history at size \(size) was taken as this one")
                continue
            }
            #expect(recorded == size && storedSize == 120)
        }
    }
}

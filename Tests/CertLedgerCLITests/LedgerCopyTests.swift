@testable import LedgerStores
import Foundation
import Log
import LogSQLite
import SignedNote
import Testing
@testable import certledger

/// The copy engine and the proof on their own, with windows and pages far smaller than the ledger so that every
/// batch boundary falls at a different place in them.
@Suite struct LedgerCopyTests {
    @Test func tinyReadWindowsAndListPages_copyEveryBatch_andTheProofSamplesFirstMiddleLast() async throws {
        let fixture = try await LedgerFixture.copy()
        defer { fixture.remove() }
        let source = try await SQLiteLogStore.openReadOnly(path: fixture.storePath)
        let target = try await SQLiteLogStore.create(path: fixture.folder + "/copy.sqlite")
        let head = try #require(try await source.head())
        let verifier = try fixture.verifier()
        let identity = LogIdentity(origin: verifier.name, hashAlgorithm: .sha256, verifier: verifier)
        var copy = LedgerCopy(source: source, target: target, identity: identity, head: head)
        copy.readAhead = 5
        copy.listPage = 3
        var reported: [(UInt64, Int)] = []
        let result = try await copy.run { done, total, batches in
            #expect(total == head.size)
            reported.append((done, batches))
        }
        let sourceSizes = try await source.checkpoints(from: 0, limit: 10_000).map(\.size)
        #expect(result.checkpointSizes == sourceSizes)
        #expect(result.entries == head.size)
        #expect(reported.map(\.0) == sourceSizes && reported.last?.1 == sourceSizes.count)
        #expect(try await target.checkpoints(from: 0, limit: 10_000) == source.checkpoints(from: 0, limit: 10_000))

        var proof = MigrationProof(source: source, target: target, identity: identity, head: head,
                                   checkpointSizes: result.checkpointSizes)
        proof.samples = 3
        let proven = try await proof.run(logOnly: false)
        #expect(proven.verifiedEntries == head.size)
        #expect(proven.checkpoint.bytes == head.checkpoint)
        #expect(proven.provenSizes == [sourceSizes[0], sourceSizes[(sourceSizes.count - 1) / 2], head.size])
        await target.close()
        await source.close()
    }

    @Test func aCopyChangedAfterTheCopy_failsTheProofAtTheChangedIndex() async throws {
        let fixture = try await LedgerFixture.copy()
        defer { fixture.remove() }
        let source = try await SQLiteLogStore.openReadOnly(path: fixture.storePath)
        let head = try #require(try await source.head())
        let verifier = try fixture.verifier()
        let identity = LogIdentity(origin: verifier.name, hashAlgorithm: .sha256, verifier: verifier)
        let path = fixture.folder + "/copy.sqlite"
        let target = try await SQLiteLogStore.create(path: path)
        let result = try await LedgerCopy(source: source, target: target, identity: identity, head: head).run()
        await target.close()
        try rawSQLite(path, """
            UPDATE entries SET data = CAST(REPLACE(CAST(data AS TEXT), '"nonce":"', '"nonce":"y') AS BLOB)
            WHERE idx = 300
            """)
        let damaged = try await SQLiteLogStore.openReadOnly(path: path)
        let proof = MigrationProof(source: source, target: damaged, identity: identity, head: head,
                                   checkpointSizes: result.checkpointSizes)
        let failure = await #expect(throws: IntegrityFailure.self) {
            _ = try await proof.run(logOnly: false)
        }
        #expect(failure?.index == 300, "\(String(describing: failure))")
        #expect(failure?.reason.contains("the copy fails verification") == true, "\(String(describing: failure))")
        await damaged.close()
        await source.close()
    }

    @Test func spread_takesFirstLastAndEvenlySpacedSizes() {
        #expect(MigrationProof.spread(Array(1...100), count: 4) == [1, 34, 67, 100])
        #expect(MigrationProof.spread([5, 9], count: 16) == [5, 9])
        #expect(MigrationProof.spread(Array(1...3), count: 2) == [1, 3])
    }
}

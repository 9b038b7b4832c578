import LedgerStores
import Foundation
import Log
import LogSQLite
import Testing
@testable import certledger
@testable import LogPostgres

/// `certledger migrate` between a real SQLite ledger of signed submissions and a real PostgreSQL schema: the copy
/// holds every entry, tile and checkpoint of the source byte for byte and passes the audit; a non-empty target,
/// a damaged source and an unreachable server end it with the documented exit codes.
@Suite struct MigrateCommandTests {
    /// Every stored checkpoint of `store`, ascending.
    static func checkpoints(_ store: any ClosableLogStore) async throws -> [LogHead] {
        try await store.checkpoints(from: 0, limit: 1_000_000)
    }

    /// `store`'s ledger equals `reference`'s: identity, head, every checkpoint, entry and hash tile.
    static func expectIdentical(_ store: any ClosableLogStore, to reference: any ClosableLogStore) async throws {
        let head = try #require(try await reference.head())
        #expect(try await store.head() == head)
        #expect(try await checkpoints(store) == checkpoints(reference))
        #expect(try await store.entries(0..<head.size) == reference.entries(0..<head.size))
        let stored = try await LogIdentity.stored(in: store), original = try await LogIdentity.stored(in: reference)
        #expect(stored.origin == original.origin && stored.verifierKey == original.verifierKey)
        #expect(stored.hashAlgorithm == original.hashAlgorithm)
        for path in TileLayout.tiles(treeSize: head.size) {
            let tile = try await store.tile(path.key), original = try await reference.tile(path.key)
            #expect(tile != nil && tile == original, "\(path.key)")
        }
    }

    @Test func sqliteToPostgresAndBack_copiesEveryEntryTileAndCheckpoint_andTheCopyPassesTheAudit() async throws {
        let fixture = try await LedgerFixture.copy()
        defer { fixture.remove() }
        let back = fixture.folder + "/back.sqlite"
        try await TestSchema.with("mig") { schema in
            try await CertLedger.Migrate.parse([
                "--from", "sqlite:" + fixture.storePath, "--to", schema.url,
                "--verifier-key", fixture.verifierKeyArgument, "--quiet"]).run()
            let source = try await SQLiteLogStore.openReadOnly(path: fixture.storePath)
            let target = try await schema.open()
            let sourceCheckpoints = try await Self.checkpoints(source)
            #expect(sourceCheckpoints.count > 9, "the fixture is written in many batches")
            #expect(sourceCheckpoints.last?.size == LedgerFixture.size)
            try await Self.expectIdentical(target, to: source)
            // Listing pages of PostgreSQL and SQLite alike: sizes from a bound, at most `limit`, ascending.
            for store in [target, source] as [any ClosableLogStore] {
                let from = sourceCheckpoints[2].size
                #expect(try await store.checkpoints(from: from, limit: 3) == Array(sourceCheckpoints[2..<5]))
                #expect(try await store.checkpoints(from: from + 1, limit: 2) == Array(sourceCheckpoints[3..<5]))
                #expect(try await store.checkpoints(from: (sourceCheckpoints.last?.size ?? 0) + 1, limit: 5).isEmpty)
            }

            // The audit takes the PostgreSQL URL and passes the whole Registry-level check on the copy.
            let audit = await exitStatus {
                try await CertLedger.Audit.parse(["--store", schema.url, "--verifier-key",
                                                  fixture.verifierKeyArgument, "--quiet"]).run()
            }
            #expect(audit.code == 0, "\(audit.message)")

            // And back into a new SQLite file, trusting the key the copy records.
            try await CertLedger.Migrate.parse(["--from", schema.url, "--to", "sqlite:" + back, "--quiet"]).run()
            let returned = try await SQLiteLogStore.openReadOnly(path: back)
            try await Self.expectIdentical(returned, to: source)
            await returned.close()
            await target.close()
            await source.close()
        }
    }

    @Test func migrateIntoANonEmptySchemaOrFile_isRefusedAndLeavesItUntouched() async throws {
        let fixture = try await LedgerFixture.copy()
        defer { fixture.remove() }
        try await TestSchema.with("full") { schema in
            let arguments = ["--from", "sqlite:" + fixture.storePath, "--to", schema.url, "--quiet"]
            try await CertLedger.Migrate.parse(arguments).run()
            let before = try await schema.open()
            let head = try await before.head()
            await before.close()

            let again = await exitStatus { try await CertLedger.Migrate.parse(arguments).run() }
            #expect(again.code == 2)
            #expect(again.message.contains("is not empty (it holds \(LedgerFixture.size) entries"),
                    "\(again.message)")
            let after = try await schema.open()
            #expect(try await after.head() == head)
            await after.close()

            // A file that is there already: an SQLite ledger (the original), or an SQLite file of something else.
            let file = await exitStatus {
                try await CertLedger.Migrate.parse(["--from", schema.url, "--to", "sqlite:" + fixture.storePath,
                                                    "--quiet"]).run()
            }
            #expect(file.code == 2)
            #expect(file.message.contains("is not empty (it holds \(LedgerFixture.size) entries"),
                    "\(file.message)")
            let foreign = fixture.folder + "/foreign.sqlite"
            try rawSQLite(foreign, "CREATE TABLE notes (text TEXT)", create: true)
            let other = await exitStatus {
                try await CertLedger.Migrate.parse(["--from", schema.url, "--to", "sqlite:" + foreign,
                                                    "--quiet"]).run()
            }
            #expect(other.code == 2)
            #expect(other.message.contains("exists and is not an empty ledger store"), "\(other.message)")
        }
    }

    @Test func anEmptySchemaMadeBeforehand_isAcceptedAsTheTarget() async throws {
        let fixture = try await LedgerFixture.copy()
        defer { fixture.remove() }
        try await TestSchema.with("empty") { schema in
            let verifier = try fixture.verifier()
            let made = try await PostgresLogStore.create(options: schema.options, origin: verifier.name)
            await made.close()
            let run = await exitStatus {
                try await CertLedger.Migrate.parse(["--from", "sqlite:" + fixture.storePath, "--to", schema.url,
                                                    "--quiet"]).run()
            }
            #expect(run.code == 0, "\(run.message)")
            let target = try await schema.open()
            let source = try await SQLiteLogStore.openReadOnly(path: fixture.storePath)
            try await Self.expectIdentical(target, to: source)
            await target.close()
            await source.close()
        }
    }

    /// The real binary: a changed byte in entry 150 stops the copy at that index, before its batch is written.
    @Test func tamperedSourceEntry_failsWithExit1AndTheIndex_andItsBatchNeverReachesTheTarget() async throws {
        let fixture = try await LedgerFixture.copy()
        defer { fixture.remove() }
        try await TestSchema.with("tamper") { schema in
            try rawSQLite(fixture.storePath, """
                UPDATE entries SET data = CAST(REPLACE(CAST(data AS TEXT), '"nonce":"', '"nonce":"x') AS BLOB)
                WHERE idx = 150
                """)
            let run = try await runProduct("certledger", ["migrate", "--from", "sqlite:" + fixture.storePath,
                                                          "--to", schema.url, "--verifier-key",
                                                          fixture.verifierKeyArgument])
            #expect(run.status == 1, "\(run.out) \(run.err)")
            #expect(run.err.contains("FAILED at index 150"), "\(run.err)")
            #expect(run.err.contains("incomplete"), "\(run.err)")
            let target = try await schema.open()
            let copied = try #require(try await target.head()).size
            #expect(copied <= 150 && copied > 0, "the copy stopped before the batch holding entry 150 (at \(copied))")
            await target.close()
        }
    }

    @Test func changedTileOrMisfiledCheckpoint_inTheSource_isAnIntegrityFailure() async throws {
        let fixture = try await LedgerFixture.copy()
        defer { fixture.remove() }
        // The first byte of tile 0/0 changed: entry 0 no longer matches it.
        let original = try await SQLiteLogStore.openReadOnly(path: fixture.storePath)
        var changed = try #require(try await original.tile(TileKey(level: 0, index: 0)))
        await original.close()
        changed[0] ^= 0x01
        let hex = changed.map { String(format: "%02x", $0) }.joined()
        try rawSQLite(fixture.storePath, "UPDATE tiles SET data = X'\(hex)' WHERE level = 0 AND idx = 0")
        let tile = await exitStatus {
            try await CertLedger.Migrate.parse(["--from", "sqlite:" + fixture.storePath,
                                                "--to", "sqlite:" + fixture.folder + "/a.sqlite", "--quiet"]).run()
        }
        #expect(tile.code == 1)
        #expect(tile.message.contains("FAILED at index 0: entry 0 does not hash to hash 0 of the source's tile(0, 0)"),
                "\(tile.message)")

        // A later checkpoint filed under an earlier size.
        let second = try await LedgerFixture.copy()
        defer { second.remove() }
        let store = try await SQLiteLogStore.openReadOnly(path: second.storePath)
        let sizes = try await Self.checkpoints(store).map(\.size)
        await store.close()
        try #require(sizes.count > 4)
        let (early, late) = (sizes[2], sizes[3])
        try rawSQLite(second.storePath,
                      "UPDATE checkpoints SET note = (SELECT note FROM checkpoints WHERE size = \(late)) "
                        + "WHERE size = \(early)")
        let misfiled = await exitStatus {
            try await CertLedger.Migrate.parse(["--from", "sqlite:" + second.storePath,
                                                "--to", "sqlite:" + second.folder + "/b.sqlite", "--quiet"]).run()
        }
        #expect(misfiled.code == 1)
        #expect(misfiled.message.contains("stores the checkpoint of size \(late) under size \(early)"),
                "\(misfiled.message)")
    }

    @Test func unreachableTargetOrMissingSource_exit3() async throws {
        let fixture = try await LedgerFixture.copy()
        defer { fixture.remove() }
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let unreachable = await exitStatus {
            try await CertLedger.Migrate.parse([
                "--from", "sqlite:" + fixture.storePath,
                "--to", "postgres://certledger@127.0.0.1:1/ledger?schema=nowhere&connect_timeout=5", "--quiet"]).run()
        }
        #expect(unreachable.code == 3)
        #expect(unreachable.message.contains("cannot reach PostgreSQL at 127.0.0.1:1"), "\(unreachable.message)")

        let missing = await exitStatus {
            try await CertLedger.Migrate.parse(["--from", "sqlite:" + fixture.folder + "/none.sqlite",
                                                "--to", "sqlite:" + fixture.folder + "/c.sqlite", "--quiet"]).run()
        }
        #expect(missing.code == 3, "\(missing.message)")
        #expect(!FileManager.default.fileExists(atPath: fixture.folder + "/c.sqlite"), "no target for no source")
    }
}

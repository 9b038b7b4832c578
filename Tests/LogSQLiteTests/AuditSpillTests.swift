import CanonicalJSON
import Foundation
import LogSQLite
import Testing

/// The audit's registry state beyond `--memory-values` goes to a scratch SQLite file (`SQLiteScratch`), so memory
/// stays flat however long the ledger is. The scratch store itself, and the whole audit through the real binary
/// with a tiny memory part: same verdict and count as with everything in memory, and no scratch file left behind.
@Suite struct AuditSpillTests {
    @Test func scratch_readsWhatWasWritten_deletesNilValues_andRemovesItsFileOnClose() throws {
        let folder = AuditCommandTests().temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scratch = try SQLiteScratch(folder: folder)
        #expect(FileManager.default.fileExists(atPath: scratch.path))
        try scratch.write(table: 1, rows: [([1, 2], [9, 9, 9]), ([3], [7])])
        try scratch.write(table: 2, rows: [([1, 2], [5])])
        try scratch.write(table: 1, rows: [([1, 2], [8]), ([3], nil)])
        #expect(try scratch.read(table: 1, key: [1, 2]) == [8])
        #expect(try scratch.read(table: 2, key: [1, 2]) == [5])
        #expect(try scratch.read(table: 1, key: [3]) == nil)
        #expect(try scratch.read(table: 1, key: [4]) == nil)
        scratch.close()
        #expect(!FileManager.default.fileExists(atPath: scratch.path))
        #expect(throws: (any Error).self) { _ = try scratch.read(table: 1, key: [1, 2]) }
    }

    @Test func auditWithATinyMemoryPart_passesWithTheSameCount_andLeavesNoScratchFile() async throws {
        let tests = AuditCommandTests()
        let root = tests.temporaryFolder()
        let data = root + "/ledger", scratch = root + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (made, _, madeErr) = try await tests.run("certledger-bench", ["audit-ledger", "--entries", "1500",
                                                                          "--data", data,
                                                                         "--group", "256"])
        try #require(made == 0, "\(madeErr)")
        var results: [String] = []
        for memory in ["0", "4", "16384"] {
            let (status, out, err) = try await tests.run("certledger", [
                "audit", "--data", data, "--verifier-key", "@" + data + "/checkpoint.vkey", "--json",
                "--memory-values", memory, "--scratch", scratch,
            ])
            #expect(status == 0, "--memory-values \(memory): \(out) \(err)")
            let json = try JSONValue.parse(Array(out.utf8))
            #expect(json["result"]?.stringValue == "ok")
            // The genesis and three departments with their two map roots, 1,500 submissions in 6 map-rooted groups.
            #expect(json["verifiedEntries"] == .number(1_512))
            results.append(out)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
        }
        #expect(Set(results).count == 1)
    }

    @Test func unwritableScratchFolder_isExit3WithTheFolder() async throws {
        let tests = AuditCommandTests()
        let root = tests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (made, _, _) = try await tests.run("certledger-bench", ["audit-ledger", "--entries", "10", "--data", root])
        try #require(made == 0)
        let missing = root + "/no-such-folder"
        let (status, _, err) = try await tests.run("certledger", [
            "audit", "--data", root, "--verifier-key", "@" + root + "/checkpoint.vkey", "--scratch", missing,
        ])
        #expect(status == 3)
        #expect(err.contains(missing))
    }
}

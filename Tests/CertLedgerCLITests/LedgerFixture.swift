import Foundation
import Log
import LogSQLite
import SignedNote

/// A real SQLite ledger for migration tests: written once per test process by `certledger-bench audit-ledger`
/// (a genesis, three departments, then Ed25519-signed license, seal and link submissions that the Registry
/// accepts, appended in groups — one batch and one checkpoint each), then copied into a folder of each test's own.
struct LedgerFixture {
    /// Submissions after the bootstrap entries.
    static let submissions = 400
    /// Entries per batch: the ledger has a dozen batches, and one of them crosses the first full tile (256).
    static let group = 48
    /// The ledger's size: the genesis and three departments, each of their two batches closed by a map root, then
    /// the submissions in groups, each closed by its map root.
    static let size = UInt64(4 + 2 + submissions + (submissions + group - 1) / group)

    /// The test's own copy: `<folder>/log.sqlite`, `checkpoint.vkey`, `checkpoint.skey`.
    let folder: String

    var storePath: String { folder + "/log.sqlite" }
    var verifierKeyArgument: String { "@" + folder + "/checkpoint.vkey" }

    /// A fresh copy of the shared ledger.
    static func copy() async throws -> LedgerFixture {
        let template = try await Template.shared.folder()
        let folder = try temporaryFolder("fixture")
        // Everything, the SQLite WAL included: the writer ended without folding it into the main file.
        for name in try FileManager.default.contentsOfDirectory(atPath: template) {
            try FileManager.default.copyItem(atPath: template + "/" + name, toPath: folder + "/" + name)
        }
        return LedgerFixture(folder: folder)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// The ledger's checkpoint verifier.
    func verifier() throws -> any NoteVerifier {
        let text = try String(contentsOfFile: folder + "/checkpoint.vkey", encoding: .utf8)
        return try NoteVerifierKey.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Writes the template on first use; later callers get the same folder (or the same failure).
    private actor Template {
        static let shared = Template()
        private var made: Task<String, any Error>?

        func folder() async throws -> String {
            if made == nil { made = Task { try await Self.write() } }
            return try await made!.value
        }

        private static func write() async throws -> String {
            let folder = try temporaryFolder("ledger-template") + "/ledger"
            let run = try await runProduct("certledger-bench", [
                "audit-ledger", "--entries", String(LedgerFixture.submissions), "--group", String(LedgerFixture.group),
                "--data", folder])
            guard run.status == 0, FileManager.default.fileExists(atPath: folder + "/log.sqlite") else {
                throw TestFailure("certledger-bench audit-ledger failed (\(run.status)): \(run.err)")
            }
            return folder
        }
    }
}

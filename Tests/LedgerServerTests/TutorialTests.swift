import ChildProcessSupport
import Foundation
import LedgerClient
import LedgerCrypto
import Log
import SignedNote
import Testing

/// The README's tutorial, run as written against the real `certledgerd --dev` and `certledger` binaries: the
/// commands between `<!-- tutorial:begin -->` and `<!-- tutorial:end -->` are taken from README.md itself, so the
/// README cannot drift from what works. Two lines are adapted, and only in where they act: `swift build` is what
/// `swift test` has already done (the binaries it built go first on PATH), and `sudo install … /etc/cron.d/…`
/// installs into the test's folder instead of the machine's.
@Suite struct TutorialTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The shell lines of the README's block `name` (between `<!-- name:begin -->` and `<!-- name:end -->`),
    /// continuations joined, in order.
    static func tutorialLines(_ name: String = "tutorial") throws -> [String] {
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- \(name):begin -->"))
        let end = try #require(readme.range(of: "<!-- \(name):end -->"))
        var lines: [String] = []
        var pending = ""
        for raw in readme[begin.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("```") { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let whole = pending + line
            pending = ""
            if !whole.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(whole) }
        }
        return lines
    }

    @Test func readmeTutorial_runsAsWritten() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-tutorial-\(UUID())").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: folder) }
        for shared in ["Config", "Scripts"] {
            try fm.createSymbolicLink(atPath: folder + "/" + shared,
                                      withDestinationPath: Self.repository.appendingPathComponent(shared).path)
        }
        let binaries = DaemonProcess.executable.deletingLastPathComponent().path
        let daemon = try DaemonProcess(arguments: ["--dev", "--port", "0"], directory: folder)
        let port = try await daemon.waitForPort()

        var script = ["set -euo pipefail"]
        var sawBuild = false, sawCron = false
        for line in try Self.tutorialLines() {
            if line.hasPrefix("swift build") {
                sawBuild = true
                script.append("export PATH=\"\(binaries):$PATH\"")
            } else if line.hasPrefix("sudo install"), line.contains("/etc/cron.d/") {
                sawCron = true
                script.append("mkdir -p cron.d && " + line.dropFirst("sudo ".count)
                    .replacingOccurrences(of: "/etc/cron.d/", with: "cron.d/"))
            } else {
                script.append(line)
            }
        }
        #expect(sawBuild && sawCron)
        let run = try await ProgramRun.run(script: script.joined(separator: "\n"), directory: folder,
                               environment: ["CERTLEDGER_SERVER": "http://127.0.0.1:\(port)"])
        #expect(run.status == 0, "tutorial failed:\n\(run.output)\n\(run.errors)\n--- daemon:\n\(daemon.standardError)")
        let out = run.output
        // Every batch ends with a map root: the development ledger is 0–11 (genesis, its map root, nine departments,
        // their map root); then registrations at 12 and 14, the bundle at 16–17, the link at 19, the revocation at
        // 21, each batch closed at the next index: 23 entries.
        for expected in ["entry 12  department.register", "entry 14  department.register", "entry 16  license.issue",
                         "entry 17  seal.issue", "entry 19  link.share", "entry 21  license.revoke",
                         "checkpoint size 19 (signature verified)", "REVOKED: the license of 91350100MA2YDE7W7J",
                         "not authentic: exit 1",
                         // Proven from the status map, and checked again offline with the receipt removed.
                         "proven by the status map at size 23", "license:91350100MA2YDE7W7J present",
                         "UNKNOWN: no license was ever issued to 91350200MA8RKN3QXH",
                         "license:91350200MA8RKN3QXH absent", "no receipt (none needed)", "checked offline: exit 1"] {
            #expect(out.contains(expected), "missing \"\(expected)\" in:\n\(out)")
        }
        #expect(out.components(separatedBy: "AUTHENTIC: ").count - 1 == 2, "\(out)")
        #expect(out.components(separatedBy: "REVOKED: the license").count - 1 == 2, "online and offline: \(out)")
        // Both audits (the files, then the public tiles over HTTP) verified all 23 entries.
        #expect(out.components(separatedBy: "OK: 23 entries verified").count - 1 == 2, "\(out)")
        // The proofs the CLI filed, the audit state, the nightly report and the installed cron line.
        for file in ["proofs/16.tlog-proof", "proofs/16.entry", "keys/xm-amr.key", "audit.state", "cron.d/certledger-integrity"] {
            #expect(fm.fileExists(atPath: folder + "/" + file), "\(file)")
        }
        let reports = (try? fm.contentsOfDirectory(atPath: folder + "/audit/reports")) ?? []
        #expect(reports.count == 1)
        let keyMode = try fm.attributesOfItem(atPath: folder + "/keys/xm-amr.key")[.posixPermissions] as? NSNumber
        #expect(keyMode?.intValue == 0o600)
        // End to end, trusting only the verifier key: the public tiles and checkpoint give back the same root.
        let vkey = try String(contentsOfFile: folder + "/dev-ledger/checkpoint.vkey", encoding: .utf8)
        try await Self.recomputeRootFromTiles(port: port,
                                              verifierKey: vkey.trimmingCharacters(in: .whitespacesAndNewlines),
                                              expectedSize: 23)
        #expect(try await daemon.signal(SIGTERM) == 0)
    }

    /// The README's witness walk-through as written: two `certledger witness serve` processes, the daemon collecting
    /// their cosignatures, a witnessed answer accepted under the policy; a copy of the ledger served with the same
    /// checkpoint key but without the witnesses says REVOKED, which the key alone believes and the policy refuses.
    /// (The script starts and stops its own daemons and witnesses, on ports 7381, 7382, 8091 and 8092.)
    @Test func readmeWitnessTutorial_acceptsTheWitnessedAnswer_andRefusesTheFork() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-witness-tutorial-\(UUID())")
            .path
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: folder) }
        try fm.createSymbolicLink(atPath: folder + "/Config",
                                  withDestinationPath: Self.repository.appendingPathComponent("Config").path)
        let binaries = DaemonProcess.executable.deletingLastPathComponent().path
        var script = ["set -euo pipefail"]
        var sawBuild = false
        for line in try Self.tutorialLines("witness-tutorial") {
            if line.hasPrefix("swift build") {
                sawBuild = true
                script.append("export PATH=\"\(binaries):$PATH\"")
            } else {
                script.append(line)
            }
        }
        #expect(sawBuild)
        let run = try await ProgramRun.run(script: script.joined(separator: "\n"), directory: folder,
                                           environment: [:])
        let logs = ["daemon.log", "fork.log", "w-amr.log"].map { name in
            "--- \(name):\n" + ((try? String(contentsOfFile: folder + "/witness-demo/" + name, encoding: .utf8))?
                .suffix(1500) ?? "")
        }.joined(separator: "\n")
        #expect(run.status == 0, "witness tutorial failed:\n\(run.output)\n\(run.errors)\n\(logs)")
        let out = run.output
        #expect(out.components(separatedBy: "AUTHENTIC: version 1 of the license of 91350100MA2YDE7W7J").count - 1 == 2,
                "the witnessed answer, before and after the fork: \(out)")
        #expect(out.components(separatedBy: "witnessed: market-regulation at").count - 1 >= 2, "\(out)")
        #expect(out.contains("REVOKED: the license of 91350100MA2YDE7W7J"), "the fork, under the key alone: \(out)")
        #expect(out.contains("the key alone: exit 1"), "\(out)")
        #expect(out.contains("the fork refused: exit 1"), "\(out)\n\(run.errors)")
        #expect(run.errors.contains("quorum"), "the refusal names the missing quorum: \(run.errors)")
    }

    /// Fetches `/checkpoint`, every level-0 tile and entry bundle, and checks that the leaves hash to the root.
    static func recomputeRootFromTiles(port: Int, verifierKey: String, expectedSize: UInt64) async throws {
        let client = LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
        let note = try await client.send("GET", "/checkpoint").body
        let checkpoint = try SignedCheckpoint(opening: note, logVerifier: Ed25519NoteVerifier(verifierKey: verifierKey))
            .checkpoint
        #expect(checkpoint.size == expectedSize)
        let hasher = MerkleHasher(.sha256)
        var leaves: [Hash256] = []
        for path in TileLayout.tiles(treeSize: checkpoint.size) where path.level == 0 {
            let tile = try await client.send("GET", "/" + path.path)
            #expect(tile.status == 200)
            let hashes = stride(from: 0, to: tile.body.count, by: 32).compactMap {
                Hash256(bytes: Array(tile.body[$0..<min(tile.body.count, $0 + 32)]))
            }
            let bundle = try await client.send("GET", "/" + (try TilePath.entries(index: path.index,
                                                                                   width: path.width)).path)
            #expect(try EntryBundle.decode(bundle.body).map { hasher.leafHash($0) } == hashes)
            leaves += hashes
        }
        #expect(UInt64(leaves.count) == checkpoint.size)
        #expect(hasher.rootHash(of: leaves) == checkpoint.rootHash)
    }
}

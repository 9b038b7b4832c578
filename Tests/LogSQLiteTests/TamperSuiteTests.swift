import ChildProcessSupport
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Log
import LogSQLite
import Registry
import SignedNote
import Testing
import LogStoreContract

/// Issue #6 item 4: a ledger built through the real daemon, then tampered with behind its back in five ways. Each
/// must make `certledger audit` exit 1 naming the right index (or the checkpoint) and the reason, and the nightly
/// script fail with a report and an alert; the untouched ledger must pass both.
@Suite(.serialized) struct TamperSuiteTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Audit {
        let status: Int32
        let result: String
        let index: Int?
        let reason: String
    }

    /// `certledger audit --json` on the ledger in `folder`, trusting `vkey`.
    func audit(_ folder: String, vkey: String, state: String? = nil) async throws -> Audit {
        var arguments = ["audit", "--data", folder, "--verifier-key", vkey, "--json"]
        if let state { arguments += ["--state", state] }
        let (status, out, err) = try await AuditCommandTests().run("certledger", arguments)
        guard let json = try? JSONValue.parse(Array(out.utf8)) else {
            return Audit(status: status, result: "no-json", index: nil, reason: out + err)
        }
        let failure = json["failure"]
        return Audit(status: status, result: json["result"]?.stringValue ?? "?",
                     index: failure?["index"]?.numberValue.map { Int($0) },
                     reason: (failure?["reason"]?.stringValue ?? "") + err)
    }

    /// The nightly script on `folder`: exit status, and whether it alerted.
    func nightly(_ folder: String, vkey: String, auditDir: String) async throws -> (Int32, Bool) {
        try FileManager.default.createDirectory(atPath: auditDir, withIntermediateDirectories: true)
        let marker = auditDir + "/alerted"
        let alert = auditDir + "/alert.sh"
        try writeExecutableScript("#!/bin/bash\necho \"$1\" > \(marker)\n", to: alert)
        let env = ["CERTLEDGER_DATA": folder, "CERTLEDGER_VKEY": vkey, "CERTLEDGER_AUDIT_DIR": auditDir,
                   "CERTLEDGER_ALERT": alert,
                   "CERTLEDGER_BIN": ChildProcess.productsDirectory.appendingPathComponent("certledger").path]
        let status = try await NightlyCheckTests().runScript(env)
        return (status, FileManager.default.fileExists(atPath: marker))
    }

    /// Runs `certledgerd --dev` on `devFolder` (creating the development ledger on first use: genesis at 0 and
    /// departments at 2–10, each batch closed by a map root, 12 entries), submits over HTTP — the first time a
    /// license and its seal as one bundle (12–13, map root 14) — then `links` real-estate links (each followed by
    /// its batch's map root), and stops the daemon gracefully.
    func buildThroughTheDaemon(_ devFolder: String, links: Int, first: Bool) async throws {
        let daemon = try ChildProcess(product: "certledgerd", arguments: ["--dev", "--dev-folder", devFolder,
                                                                          "--port", "0"],
                                      readyPrefixes: ["certledgerd listening on http://"])
        let listening = try await daemon.waitForPort()
        let client = LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: listening))
        func key(_ id: String) throws -> PrivateKey {
            try PrivateKey(pem: String(contentsOfFile: "\(devFolder)/departments/\(id).key", encoding: .utf8))
        }
        func example(_ name: String, as department: String) throws -> Submission {
            let value = try JSONValue.parse(Array(try Data(contentsOf: Self.repository
                .appendingPathComponent("Config/examples/\(name).json"))))
            return try Submission.sign(kind: SubmissionKind(validating: value["kind"]?.stringValue ?? ""),
                                       department: DepartmentID(validating: department), key: key(department),
                                       nonce: .random(), recordJSON: value["record"] ?? .null)
        }
        func post(_ body: [UInt8]) async throws {
            let answer = try await client.send("POST", "/v1/submissions", headers: [("Content-Type",
                                                                                    "application/json")],
                                                     body: body)
            try #require(answer.status == 201, "\(answer.text)")
        }
        if first {
            try await post(try SubmissionBundle([example("license-issue", as: "demo-amr"),
                                                 example("seal-issue", as: "demo-psb")]).canonicalBytes)
        }
        for _ in 0..<links { try await post(try example("link-real-estate", as: "demo-bdc").canonicalBytes) }
        daemon.process.interrupt()
        try #require(try await daemon.process.exited() == 0, "\(daemon.standardError)")
    }

    @Test func everyTampering_failsTheAuditAndTheNightlyCheck_theUntouchedLedgerPasses() async throws {
        let fm = FileManager.default
        let root = AuditCommandTests().temporaryFolder()
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: root) }
        let original = root + "/dev-ledger"
        let vkey = "@" + original + "/checkpoint.vkey"
        func copy(_ name: String) throws -> String {
            let path = root + "/" + name
            try fm.copyItem(atPath: original, toPath: path)
            return path
        }
        // 51 entries, a backup copy taken then (for d), then 10 more links: 71 entries; links at the odd indices
        // 15–69, each followed by its batch's map root.
        try await buildThroughTheDaemon(original, links: 18, first: true)
        let backup = try copy("backup-at-30")
        try await buildThroughTheDaemon(original, links: 10, first: false)

        // The untouched ledger passes; the state of that audit is kept for the rollback case.
        let state = root + "/audit.state"
        let good = try await audit(original, vkey: vkey, state: state)
        #expect(good.status == 0 && good.result == "ok", "\(good)")
        #expect(try await nightly(original, vkey: vkey, auditDir: root + "/nightly-good") == (0, false))

        // (a) One byte of entry 21 changed (the last digit of a link's reference): its leaf no longer matches.
        let flipped = try copy("flipped")
        try rawSQLite(flipped + "/log.sqlite", "UPDATE entries SET data = CAST(REPLACE(CAST(data AS TEXT), "
                      + "'BDC-2026-0012345', 'BDC-2026-0012346') AS BLOB) WHERE idx = 21")
        let a = try await audit(flipped, vkey: vkey)
        #expect(a.status == 1 && a.index == 21, "\(a)")

        // (b) The last 5 entries deleted: the checkpoint promises 40.
        let truncated = try copy("truncated")
        try rawSQLite(truncated + "/log.sqlite", "DELETE FROM entries WHERE idx >= 35")
        let b = try await audit(truncated, vkey: vkey)
        #expect(b.status == 1 && b.index == 35, "\(b.status) \(b.result) \(String(describing: b.index)) \(b.reason)")

        // (c) Entries 15 and 16 swapped: the hash chain (`prev`, `index`) breaks at 15.
        let swapped = try copy("swapped")
        try rawSQLite(swapped + "/log.sqlite", """
            UPDATE entries SET idx = 1000000 WHERE idx = 15; UPDATE entries SET idx = 15 WHERE idx = 16;
            UPDATE entries SET idx = 16 WHERE idx = 1000000;
            """)
        let c = try await audit(swapped, vkey: vkey)
        #expect(c.status == 1 && c.index == 15, "\(c)")

        // (d) The store replaced by the older copy: self-consistent, so only the saved state catches it.
        let dPlain = try await audit(backup, vkey: vkey)
        #expect(dPlain.status == 0, "an older copy is a valid ledger by itself: \(dPlain)")
        let d = try await audit(backup, vkey: vkey, state: state)
        #expect(d.status == 1 && d.reason.contains("rolled back"), "\(d)")

        // (f) Every row deleted: an empty store is self-consistent; the state catches it, and so does the nightly
        // check whose last run saw the whole ledger.
        let wiped = try copy("wiped")
        try rawSQLite(wiped + "/log.sqlite", "DELETE FROM entries; DELETE FROM tiles; DELETE FROM checkpoints;")
        let f = try await audit(wiped, vkey: vkey, state: state)
        #expect(f.status == 1 && f.reason.contains("shrank from 71 entries"), "\(f)")
        let wipedNightly = root + "/nightly-f"
        try fm.copyItem(atPath: root + "/nightly-good", toPath: wipedNightly)
        let (fStatus, fAlerted) = try await nightly(wiped, vkey: vkey, auditDir: wipedNightly)
        #expect(fStatus == 1 && fAlerted, "nightly on (f): exit \(fStatus), alerted \(fAlerted)")

        // (e) History rewritten and re-signed with another key under the same origin: the trusted key rejects it.
        let forged = root + "/forged"
        try await rewriteWithAnotherKey(from: original, to: forged, changing: 25)
        let e = try await audit(forged, vkey: vkey)
        #expect(e.status != 0, "\(e)")
        #expect(e.reason.contains("signature") || e.reason.contains("key"), "\(e)")

        // (g) The map root closing the bundle's batch (entry 14) replaced, the whole tree re-signed with the ledger's
        // own checkpoint key: every log check passes, the recomputed status map does not.
        let remapped = root + "/remapped"
        let ownKey = try Ed25519NoteSigner(signerKey: String(contentsOfFile: original + "/checkpoint.skey",
                                                             encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        try await rewrite(from: original, to: remapped, signer: ownKey) { index, payload in
            guard index == 14 else { return payload }
            #expect(MapRootRecord.isMapRoot(payload), "entry 14 closes the bundle's batch")
            return MapRootRecord(root: MapHasher().valueHash(Array("another map".utf8))).payload
        }
        let g = try await audit(remapped, vkey: vkey)
        #expect(g.status == 1 && g.index == 14 && g.reason.contains("map.root"), "\(g)")
        // The same rewrite without the change passes: the failure is the map root's alone.
        let rewritten = root + "/rewritten"
        try await rewrite(from: original, to: rewritten, signer: ownKey) { _, payload in payload }
        let untouched = try await audit(rewritten, vkey: vkey)
        #expect(untouched.status == 0, "\(untouched)")

        // Each tampered ledger also fails the nightly check, which alerts.
        for (name, folder) in [("a", flipped), ("b", truncated), ("c", swapped), ("e", forged)] {
            // (d) needs the state of an earlier run: covered below with the script's own state.
            let (status, alerted) = try await nightly(folder, vkey: vkey, auditDir: root + "/nightly-" + name)
            #expect(status != 0 && alerted, "nightly on (\(name)): exit \(status), alerted \(alerted)")
        }
        // (d) through the script: it audits the full ledger (state saved in its folder), then finds the backup.
        let nightlyDir = root + "/nightly-d"
        #expect(try await nightly(original, vkey: vkey, auditDir: nightlyDir) == (0, false))
        try fm.removeItem(atPath: original)
        try fm.copyItem(atPath: backup, toPath: original)
        let (dStatus, dAlerted) = try await nightly(original, vkey: vkey, auditDir: nightlyDir)
        #expect(dStatus == 1 && dAlerted)
    }

    /// Copies every entry's payload into a new log signed by a new key with the same origin, changing the payload
    /// of entry `changing` (its submission's reference), as an operator rewriting history would.
    func rewriteWithAnotherKey(from original: String, to folder: String, changing: UInt64) async throws {
        let signer = try Ed25519NoteSigner.generate(name: "dev.certledger.invalid/DEVELOPMENT-ONLY")
        try await rewrite(from: original, to: folder, signer: signer) { index, payload in
            guard UInt64(index) == changing else { return payload }
            return Array(String(decoding: payload, as: UTF8.self)
                .replacingOccurrences(of: "BDC-2026-0012345", with: "BDC-2026-9999999").utf8)
        }
    }

    /// Copies every entry's payload, through `change`, into a new log in `folder` whose checkpoints `signer` signs
    /// (by a sequencer without gate or finisher: the payloads are taken as they are, in the original's batches, each
    /// ending at its `map.root` payload, so every checkpoint ends with one as in a ledger the daemon wrote).
    func rewrite(from original: String, to folder: String, signer: Ed25519NoteSigner,
                 change: (Int, [UInt8]) -> [UInt8]) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let source = try await SQLiteLogStore.openReadOnly(path: original + "/log.sqlite")
        let size = try #require(try await source.head()).size
        let payloads = try await source.entries(0..<size).map { Array(try LogEntry(bytes: $0).payload) }
        await source.close()
        let origin = signer.name
        FileManager.default.createFile(atPath: folder + "/checkpoint.skey", contents: Data((try signer.signerKey).utf8),
                                       attributes: [.posixPermissions: 0o600])
        let store = try await SQLiteLogStore.create(path: folder + "/log.sqlite")
        let identity = LogIdentity(origin: origin, hashAlgorithm: .sha256, verifier: signer.verifier)
        try await identity.record(in: store, verifierKey: signer.verifier.verifierKey)
        let sequencer = Sequencer(store: store, head: try await TreeHead.load(from: store, identity: identity),
                                  identity: identity, signer: signer, logger: quietLogger("certledger.sequencer"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sequencer.run() }
            var batch: [[UInt8]] = []
            for (index, payload) in payloads.enumerated() {
                batch.append(change(index, payload))
                if MapRootRecord.isMapRoot(payload) || index == payloads.count - 1 {
                    _ = try await sequencer.submit(batch)
                    batch.removeAll()
                }
            }
            sequencer.stopIntake()
            try await group.waitForAll()
        }
        await store.close()
    }
}

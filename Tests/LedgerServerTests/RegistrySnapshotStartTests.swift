import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import Log
import LogStoreContract
import Registry
import Testing

/// Start-up from a registry snapshot (`store.registrySnapshot`): a daemon restarted from one serves what a full
/// replay serves; a damaged, foreign or newer-than-the-log snapshot is ignored and the whole log replayed.
@Suite(.serialized) struct RegistrySnapshotStartTests {
    static let license = StatusMapLedgerTests.license
    static let seal = StatusMapLedgerTests.seal

    static func sign(_ name: String, as department: String, folder: String,
                     edit: (inout [String: JSONValue]) -> Void = { _ in }) throws -> Submission {
        let value = try JSONValue.parse(Array(try Data(contentsOf: DevLedgerServer.examples
            .appendingPathComponent(name + ".json"))))
        var record = value["record"]?.objectValue ?? [:]
        edit(&record)
        let key = try PrivateKey(pem: String(contentsOfFile: DevelopmentLedger.departmentKeyPath(
            folder: folder, id: department), encoding: .utf8))
        return try Submission.sign(kind: SubmissionKind(validating: value["kind"]?.stringValue ?? ""),
                                   department: DepartmentID(validating: department), key: key, nonce: .random(),
                                   recordJSON: .object(record))
    }

    @discardableResult
    static func send(_ ledger: Ledger, _ submission: Submission) async throws -> UInt64 {
        let checked = try #require(try ledger.registry.precheck(submission).checked)
        return try #require(try await ledger.log.sequencer.submit(ledger.registry.admission(for: [checked])).items.first)
            .entry.index
    }

    /// What the registry answers about the subjects these tests make, in a comparable form.
    static func answers(_ state: RegistryState) throws -> [String] {
        let uscc = try USCC(license), sealId = try SealID(validating: seal)
        let day = try CalendarDate(validating: "2026-12-01")
        func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "-" }
        var lines = ["size \(state.size)", "counts \(state.counts)",
                     "license \(String(describing: state.license(uscc)))",
                     "  value \(text(state.statusMapValue(for: .license(uscc))))",
                     "links \(state.links(about: uscc)) seals \(state.seals(heldBy: uscc))",
                     "seal \(String(describing: state.seal(sealId))) \(text(state.statusMapValue(for: .seal(sealId))))",
                     "decide \(state.decide(.license(uscc), asOf: day)) \(state.decide(.seal(sealId), asOf: day))"]
        for id in ["demo-ledger", "demo-amr", "demo-psb", "demo-bdc"] {
            let department = state.department(try DepartmentID(validating: id))
            lines.append("\(id) \(department?.currentKeyIDs(at: state.size) ?? []) \(department?.keys.count ?? 0)")
        }
        return lines
    }

    static func fullReplay(_ ledger: Ledger) async throws -> [String] {
        try answers(try await Registry.replay(store: ledger.log.store, identity: ledger.log.identity).snapshot)
    }

    static func devLedger(_ folder: String) async throws -> ServerConfig {
        var config = DevelopmentLedger.config(folder: folder)
        config.store.snapshotEveryEntries = 1
        try await DevelopmentLedger.createIfMissing(config: config, logger: quietLogger("test"))
        return config
    }

    @Test func restartFromASnapshot_replaysOnlyTheTail_andAnswersAsAFullReplay() async throws {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("certledger-snap-\(UUID())").path
        let otherFolder = folder + "-other"
        defer {
            try? fm.removeItem(atPath: folder)
            try? fm.removeItem(atPath: otherFolder)
        }
        let config = try await Self.devLedger(folder)
        let path = config.resolve(config.store.registrySnapshot)

        // First life: a license and its seal, a link, a snapshot; then the tail: a revocation and another link.
        let written = try await StatusMapRestartTests.withOpenLedger(config) { ledger in
            #expect(ledger.snapshots?.startSize == 0)
            let issued = try await Self.send(ledger, Self.sign("license-issue", as: "demo-amr", folder: folder))
            try await Self.send(ledger, Self.sign("seal-issue", as: "demo-psb", folder: folder))
            try await Self.send(ledger, Self.sign("link-real-estate", as: "demo-bdc", folder: folder))
            let writer = try #require(ledger.snapshots)
            let size = try #require(try await writer.writeNow())
            #expect(size == ledger.log.sequencer.head.size)
            try await Self.send(ledger, Self.sign("license-revoke", as: "demo-amr", folder: folder) {
                $0["subjectPrev"] = .number(Double(issued))
            })
            try await Self.send(ledger, Self.sign("link-real-estate", as: "demo-bdc", folder: folder))
            return size
        }
        #expect(fm.fileExists(atPath: path))

        // Second life: from the snapshot, the same answers as a full replay, and sequencing goes on.
        try await StatusMapRestartTests.withOpenLedger(config) { ledger in
            #expect(ledger.snapshots?.startSize == written)
            #expect(written < ledger.log.sequencer.head.size)
            let expected = try await Self.fullReplay(ledger)
            #expect(try Self.answers(ledger.registry.snapshot) == expected)
            #expect(expected.contains { $0.contains("revoked") })
            let index = try await Self.send(ledger, Self.sign("link-real-estate", as: "demo-bdc", folder: folder))
            #expect(index + 2 == ledger.log.sequencer.head.size)
            let replayed = try await Self.fullReplay(ledger)
            #expect(try Self.answers(ledger.registry.snapshot) == replayed)
        }

        // A damaged snapshot is ignored: the whole log is replayed, with the same answers.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let good = bytes
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try await StatusMapRestartTests.withOpenLedger(config) { ledger in
            #expect(ledger.snapshots?.startSize == 0)
            let replayed = try await Self.fullReplay(ledger)
            #expect(try Self.answers(ledger.registry.snapshot) == replayed)
        }

        // Another ledger's snapshot (same origin, another genesis; ahead of that ledger's log) is ignored there.
        let other = try await Self.devLedger(otherFolder)
        try Data(good).write(to: URL(fileURLWithPath: other.resolve(other.store.registrySnapshot)))
        try await StatusMapRestartTests.withOpenLedger(other) { ledger in
            #expect(ledger.snapshots?.startSize == 0)
            let replayed = try await Self.fullReplay(ledger)
            #expect(try Self.answers(ledger.registry.snapshot) == replayed)
            let snapshot = try RegistrySnapshot(decoding: good)
            await #expect(throws: RegistrySnapshot.Unusable.self) {
                try await RegistrySnapshotFile.check(snapshot, store: ledger.log.store, identity: ledger.log.identity)
            }
        }
        // Back in its own ledger it is used again.
        try Data(good).write(to: URL(fileURLWithPath: path))
        try await StatusMapRestartTests.withOpenLedger(config) { ledger in
            #expect(ledger.snapshots?.startSize == written)
        }
    }

    @Test func snapshotChecks_refuseAnotherRoot_anotherGenesis_anotherSuite_andAStateAheadOfTheLog() async throws {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("certledger-snap-\(UUID())").path
        let otherFolder = folder + "-other"
        defer {
            try? fm.removeItem(atPath: folder)
            try? fm.removeItem(atPath: otherFolder)
        }
        let config = try await Self.devLedger(folder)
        let other = try await Self.devLedger(otherFolder)
        func payload(_ index: UInt64, _ store: any LogStore) async throws -> [UInt8] {
            Array(try LogEntry(bytes: try #require(try await store.entries(index..<index + 1).first)).payload)
        }
        func reason(_ bytes: [UInt8], _ ledger: Ledger) async -> String? {
            do {
                try await RegistrySnapshotFile.check(try RegistrySnapshot(decoding: bytes), store: ledger.log.store,
                                                     identity: ledger.log.identity)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let otherGenesis = try await StatusMapRestartTests.withOpenLedger(other) { try await payload(0, $0.log.store) }
        let good = try await StatusMapRestartTests.withOpenLedger(config) { ledger in
            try await Self.send(ledger, Self.sign("license-issue", as: "demo-amr", folder: folder))
            let store = ledger.log.store, origin = ledger.log.identity.origin
            let state = try #require(ledger.registry.closedState())
            let genesis = try await payload(0, store)
            let root = try MapRootRecord(payload: try await payload(state.size - 1, store)).root
            func encoded(root: Hash256 = root, genesis: [UInt8] = genesis, suite: HashAlgorithm = .sha256) throws
                -> [UInt8] {
                try RegistrySnapshot.encode(state, origin: origin, hashAlgorithm: suite, mapRoot: root,
                                            genesisPayload: genesis)
            }
            #expect(await reason(try encoded(), ledger) == nil)
            let wrongRoot = HashAlgorithm.sha256.hash(Array("another map".utf8))
            #expect(await reason(try encoded(root: wrongRoot), ledger)?.contains("another history") == true)
            #expect(await reason(try encoded(genesis: otherGenesis), ledger)?.contains("another ledger") == true)
            #expect(await reason(try encoded(suite: .sm3), ledger)?.contains("hashes with") == true)
            return try encoded()
        }
        // The same origin (both are development ledgers) but a shorter log: the snapshot is ahead of it.
        try await StatusMapRestartTests.withOpenLedger(other) { ledger in
            #expect(await reason(good, ledger)?.contains("ahead of the log") == true)
        }
    }

    @Test func daemonProcess_writesASnapshotInTheBackground_andARestartServesTheSameAnswersFromIt() async throws {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("certledger-snap-\(UUID())").path
        defer { try? fm.removeItem(atPath: folder) }
        let config = try await Self.devLedger(folder)
        let yaml = folder + "/certledgerd.yaml"
        try "data: \(folder)\nlisten: {port: 0}\nstore: {snapshotEveryEntries: 1}\n"
            .write(toFile: yaml, atomically: true, encoding: .utf8)
        let snapshotPath = config.resolve(config.store.registrySnapshot)

        func client(_ port: Int) -> LedgerHTTPClient {
            LedgerHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
        }
        func answers(_ port: Int) async throws -> [String] {
            var lines: [String] = []
            for question in [#"{"subject":"license","uscc":"\#(Self.license)","asOf":"2026-12-01"}"#,
                             #"{"subject":"seal","sealId":"\#(Self.seal)","asOf":"2026-12-01"}"#] {
                let answer = try await client(port).send("POST", "/v1/verify",
                                                         headers: [("Content-Type", "application/json")],
                                                         body: Array(question.utf8))
                try #require(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
                let value = try JSONValue.parse(answer.body)
                // Everything but the time of the answer and the receipt that signs it.
                for (member, answer) in value.objectValue ?? [:] where member != "receipt" && member != "answeredAt" {
                    lines.append("\(member) \(answer.canonicalString)")
                }
            }
            return lines.sorted()
        }

        let first = try DaemonProcess(arguments: ["--config", yaml], directory: folder)
        let port = try await first.waitForPort()
        let bundle = try SubmissionBundle([Self.sign("license-issue", as: "demo-amr", folder: folder),
                                           Self.sign("seal-issue", as: "demo-psb", folder: folder)])
        let sent = try await client(port).send("POST", "/v1/submissions",
                                               headers: [("Content-Type", "application/json")],
                                               body: bundle.canonicalBytes)
        try #require(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
        let checkpoint = try await client(port).send("GET", "/checkpoint")
        let size = UInt64(String(decoding: checkpoint.body, as: UTF8.self).split(separator: "\n")[1]) ?? 0
        // The writer looks every two seconds; the snapshot then covers the bundle's batch.
        var covered: UInt64 = 0
        for _ in 0..<150 where covered < size {
            if let bytes = try? Data(contentsOf: URL(fileURLWithPath: snapshotPath)),
               let snapshot = try? RegistrySnapshot(decoding: [UInt8](bytes)) {
                covered = snapshot.size
            }
            if covered < size { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(covered == size, "the background writer wrote a snapshot of the whole log")
        let before = try await answers(port)
        #expect(before.contains { $0.contains("authentic") })
        #expect(try await first.signal(SIGTERM) == 0)
        #expect(first.standardError.contains("registry snapshot written"))

        let second = try DaemonProcess(arguments: ["--config", yaml], directory: folder)
        let again = try await second.waitForPort()
        let after = try await answers(again)
        #expect(after == before, "\(zip(after, before).filter { $0 != $1 })")
        #expect(try await second.signal(SIGTERM) == 0)
        #expect(second.standardError.contains("registry loaded from its snapshot"), "\(second.standardError)")
    }
}

import CSQLite
import CanonicalJSON
import Foundation
import LedgerCrypto
import LedgerServer
import Log
import LogSQLite
import LogStoreContract
import Registry
import SignedNote
import Testing

/// The status map in a running ledger (DESIGN.md §3): every batch ends with a `map.root` entry whose root is the
/// map of the entries before it, `GET /v1/map/proof` proves keys against it, and the daemon's map file survives
/// restarts, catches up when deleted or behind, and is refused when it contradicts the log.
@Suite struct StatusMapLedgerTests {
    static let license = "91350100MA2YDE7W7J"
    static let seal = "35010020260001"
    /// A well-formed USCC no ledger in these tests ever issued.
    static let unknownLicense = "91110000802100433B"

    /// The first entries of a development ledger, a license and its seal as one bundle, then a revocation of the
    /// license, each through the daemon.
    static func submitHistory(_ server: DevLedgerServer) async throws {
        let bundle = try SubmissionBundle([server.signExample("license-issue", as: "demo-amr"),
                                           server.signExample("seal-issue", as: "demo-psb")])
        let first = try await server.post("/v1/submissions", bundle.canonicalBytes)
        try #require(first.status == 201, "\(String(decoding: first.body, as: UTF8.self))")
        let issued = try JSONValue.parse(first.body)["entries"]?.arrayValue?.first?["index"]?.numberValue
        let revoke = try server.signExample("license-revoke", as: "demo-amr") { record in
            record["subjectPrev"] = .number(issued ?? -1)
        }
        let second = try await server.post("/v1/submissions", revoke.canonicalBytes)
        try #require(second.status == 201, "\(String(decoding: second.body, as: UTF8.self))")
    }

    /// The map root a naive reference gives after `entries`: the Registry replayed from scratch, every subject
    /// the tests can have made valued anew, the map built from nothing (no incremental update involved).
    static func referenceRoot(of entries: [LogEntry], subjects: [StatusMapKey]) throws -> Hash256 {
        let auditor = RegistryAuditor()
        for entry in entries { try auditor.visit(entry) }
        var map = try SparseMerkleMap(store: MemoryMapNodeStore())
        let hasher = MapHasher()
        try map.update(subjects.compactMap { key in
            auditor.state.statusMapValue(for: key).map { MapChange(key: hasher.treeKey(key.string),
                                                                   valueHash: hasher.valueHash($0)) }
        })
        return map.root
    }

    @Test func everyBatch_endsWithAMapRoot_equalToTheMapRecomputedFromTheEntries() async throws {
        try await DevLedgerServer.run { server in
            try await Self.submitHistory(server)
            let store = server.ledger.log.store
            let size = try #require(try await store.head()).size
            let entries = try await store.entries(0..<size).map { try LogEntry(bytes: $0) }
            let checkpoints = try await store.checkpoints(from: 1, limit: 1_000).map(\.size)
            // The genesis batch, the registrations, the bundle, the revocation: four stored batches.
            #expect(checkpoints.count == 4, "\(checkpoints)")
            #expect(checkpoints.last == size)
            let license = try #require(try JSONValue.parse(Array(try Data(contentsOf: DevLedgerServer.examples
                .appendingPathComponent("license-issue.json"))))["record"]?["document"]?["digest"]?.stringValue)
            let subjects: [StatusMapKey] = [
                .license(try USCC(Self.license)), .seal(try SealID(validating: Self.seal)),
                .document(ContentDigest(algorithm: .sha256, digest: try #require(Hash256(hex: license)))),
            ]
            var lastRoot: Hash256?
            for size in checkpoints {
                let last = entries[Int(size) - 1]
                #expect(MapRootRecord.isMapRoot(last.payload), "the tree of size \(size) ends with a map root")
                let stated = try MapRootRecord(payload: last.payload).root
                #expect(stated == (try Self.referenceRoot(of: Array(entries[..<Int(size - 1)]), subjects: subjects)),
                        "map root at \(size - 1)")
                lastRoot = stated
            }
            // No map root anywhere else: exactly one per batch.
            #expect(entries.filter { MapRootRecord.isMapRoot($0.payload) }.count == checkpoints.count)
            #expect(server.ledger.statusMap?.current.version == size)
            #expect(server.ledger.statusMap?.current.root == lastRoot)
            #expect(lastRoot != MapHasher.empty)
        }
    }

    /// A map-proof answer, checked the way a client would: the checkpoint's signature, the entry's inclusion in
    /// its tree, the root the entry states; returns the proof's verdict for the key with `value`.
    static func checkedProof(_ server: DevLedgerServer, key: String, size: UInt64? = nil,
                             value: [UInt8]?) async throws -> (verdict: MapVerdict, size: UInt64) {
        let query = "key=" + key + (size.map { "&size=\($0)" } ?? "")
        let answer = try await server.client.http.send("GET", "/v1/map/proof?" + query)
        try #require(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        let json = try JSONValue.parse(answer.body)
        let identity = server.ledger.log.identity
        let checkpoint = try SignedCheckpoint(opening: Array(try #require(json["checkpoint"]?.stringValue).utf8),
                                              logVerifier: identity.verifier).checkpoint
        let treeSize = UInt64(try #require(json["size"]?.numberValue))
        #expect(checkpoint.size == treeSize)
        let mapRoot = try #require(json["mapRoot"])
        let entryText = try #require(mapRoot["entry"]?.stringValue)
        let entryBytes = try #require(Base64.decode(entryText))
        let entry = try LogEntry(bytes: entryBytes)
        #expect(entry.index == treeSize - 1)
        let inclusionTexts = try #require(mapRoot["inclusionProof"]?.arrayValue)
        let inclusion = inclusionTexts.compactMap { $0.stringValue.flatMap(Hash256.init(base64:)) }
        #expect(inclusion.count == inclusionTexts.count)
        let merkle = MerkleHasher(identity.hashAlgorithm)
        #expect(try merkle.verifyInclusion(leafHash: merkle.leafHash(entry.bytes), index: entry.index,
                                           treeSize: treeSize, proof: inclusion, rootHash: checkpoint.rootHash) == .valid)
        let root = try MapRootRecord(payload: entry.payload).root
        #expect(json["root"]?.stringValue == root.base64)
        let proofJSON = Array(try #require(json["proof"]).canonicalBytes())
        let proof = try JSONDecoder().decode(MapProof.self, from: Data(proofJSON))
        return (proof.verify(key: key, value: value, root: root, using: MapHasher()), treeSize)
    }

    @Test func mapProofRoute_provesPresenceAndAbsence_atTheNewestAndAnOlderSize() async throws {
        try await DevLedgerServer.run { server in
            let before = server.ledger.log.sequencer.head.size
            try await Self.submitHistory(server)
            let uscc = try USCC(Self.license)
            let value = try #require(server.ledger.registry.snapshot.statusMapValue(for: .license(uscc)))
            // The revoked license: present with the value the Registry gives now.
            let present = try await Self.checkedProof(server, key: "license:" + Self.license, value: value)
            #expect(present.verdict == .present(valueHash: MapHasher().valueHash(value)), "\(present.verdict)")
            #expect(present.size == server.ledger.log.sequencer.head.size)
            // A wrong value is caught by the same proof.
            #expect(!(try await Self.checkedProof(server, key: "license:" + Self.license, value: Array("{}".utf8)))
                .verdict.isValid)
            // A USCC never issued: absent.
            let absent = try await Self.checkedProof(server, key: "license:" + Self.unknownLicense, value: nil)
            #expect(absent.verdict == .absent, "\(absent.verdict)")
            // At the size before the license was issued (the registrations' batch), the license is absent too.
            let older = try await Self.checkedProof(server, key: "license:" + Self.license, size: before, value: nil)
            #expect(older.verdict == .absent && older.size == before, "\(older.verdict)")
        }
    }

    @Test func mapProofRoute_refusesAMalformedKey_400_andASizeNotCheckpointed_404() async throws {
        try await DevLedgerServer.run { server in
            for (query, field) in [("key=license:91350100MA2YDE7W7K", "key"), ("key=licence:x", "key"),
                                   ("key=document:md5:00", "key"), ("size=3", "key"),
                                   ("key=seal:" + Self.seal + "&size=01", "size")] {
                let answer = try await server.client.http.send("GET", "/v1/map/proof?" + query)
                let error = try JSONValue.parse(answer.body)["error"]
                #expect(answer.status == 400 && error?["field"]?.stringValue == field,
                        "\(query): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
            }
            let size = server.ledger.log.sequencer.head.size
            // Inside the registrations' batch (no checkpoint there), and beyond the tree.
            for wrong in [size - 2, size + 1] {
                let answer = try await server.client.http.send("GET", "/v1/map/proof?key=seal:\(Self.seal)&size=\(wrong)")
                let field = try JSONValue.parse(answer.body)["error"]?["field"]?.stringValue
                #expect(answer.status == 404 && field == "size",
                        "size \(wrong): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
            }
        }
    }
}

/// The daemon's status-map file across restarts.
@Suite(.serialized) struct StatusMapRestartTests {
    /// A development ledger in a fresh folder, opened and served by `body` through `Ledger.open`, its sequencer
    /// running; stopped and closed after.
    static func withOpenLedger<T: Sendable>(_ config: ServerConfig, _ body: (Ledger) async throws -> T) async throws -> T {
        let ledger = try await Ledger.open(config: config, metrics: ServerMetrics(), logger: quietLogger("test"))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await ledger.log.sequencer.run(); return nil }
            defer { ledger.log.sequencer.stopIntake() }
            let result = try await body(ledger)
            ledger.log.sequencer.stopIntake()
            var answer: T?
            for try await value in group { if let value { answer = value } }
            await ledger.log.close()
            return answer ?? result
        }
    }

    /// Submits `count` real-estate links about the license of the example, signed by `demo-bdc`, one per batch,
    /// after issuing that license if the ledger has none.
    static func submit(_ ledger: Ledger, folder: String, links count: Int) async throws {
        func sign(_ name: String, as department: String) throws -> Submission {
            let value = try JSONValue.parse(Array(try Data(contentsOf: DevLedgerServer.examples
                .appendingPathComponent(name + ".json"))))
            let key = try PrivateKey(pem: String(contentsOfFile: DevelopmentLedger.departmentKeyPath(
                folder: folder, id: department), encoding: .utf8))
            return try Submission.sign(kind: SubmissionKind(validating: value["kind"]?.stringValue ?? ""),
                                       department: DepartmentID(validating: department), key: key, nonce: .random(),
                                       recordJSON: value["record"] ?? .null)
        }
        func send(_ submission: Submission) async throws {
            let checked = try #require(try ledger.registry.precheck(submission).checked)
            _ = try await ledger.log.sequencer.submit(ledger.registry.admission(for: [checked]))
        }
        if ledger.registry.snapshot.license(try USCC(StatusMapLedgerTests.license)) == nil {
            try await send(sign("license-issue", as: "demo-amr"))
            try await send(sign("seal-issue", as: "demo-psb"))
        }
        for _ in 0..<count { try await send(sign("link-real-estate", as: "demo-bdc")) }
    }

    @Test func restart_keepsTheMapRoot_aDeletedOrBehindMapCatchesUp_aContradictingOneIsRefused() async throws {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("certledger-map-\(UUID())").path
        defer { try? fm.removeItem(atPath: folder) }
        let config = DevelopmentLedger.config(folder: folder)
        try await DevelopmentLedger.createIfMissing(config: config, logger: quietLogger("test"))
        let mapPath = config.resolve(config.store.statusMap)

        // First start: the map file is created and filled from the log (the genesis and registrations' batches).
        let first = try await Self.withOpenLedger(config) { ledger in
            try await Self.submit(ledger, folder: folder, links: 1)
            return try #require(ledger.statusMap).current
        }
        #expect(fm.fileExists(atPath: mapPath))
        #expect(first.root != MapHasher.empty)
        let behind = folder + "/map-behind.sqlite"
        try fm.copyItem(atPath: mapPath, toPath: behind)

        // A restart keeps the same map (nothing to catch up), then two more batches move it on.
        let second = try await Self.withOpenLedger(config) { ledger in
            let reopened = try #require(ledger.statusMap).current
            #expect(reopened.version == first.version && reopened.root == first.root)
            try await Self.submit(ledger, folder: folder, links: 2)
            return try #require(ledger.statusMap).current
        }
        #expect(second.version > first.version)

        // Deleted: rebuilt from the log, to the same version and root.
        try fm.removeItem(atPath: mapPath)
        let rebuilt = try await Self.withOpenLedger(config) { try #require($0.statusMap).current }
        #expect(rebuilt.version == second.version && rebuilt.root == second.root)

        // Behind (the copy taken two batches ago): caught up to the same root.
        try fm.removeItem(atPath: mapPath)
        try fm.copyItem(atPath: behind, toPath: mapPath)
        let caughtUp = try await Self.withOpenLedger(config) { try #require($0.statusMap).current }
        #expect(caughtUp.version == second.version && caughtUp.root == second.root)

        // A file of an older layout of the map (same application id, schema 1): set aside, rebuilt from the log.
        try fm.removeItem(atPath: mapPath)
        var older: OpaquePointer?
        try #require(sqlite3_open_v2(mapPath, &older, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK)
        let layout = "CREATE TABLE map_nodes (depth INTEGER); PRAGMA application_id = \(0x434C_6D70); "
            + "PRAGMA user_version = 1;"
        #expect(sqlite3_exec(older, layout, nil, nil, nil) == SQLITE_OK)
        sqlite3_close_v2(older)
        let rebuiltFromOlder = try await Self.withOpenLedger(config) { try #require($0.statusMap).current }
        #expect(rebuiltFromOlder.version == second.version && rebuiltFromOlder.root == second.root)
        #expect(fm.fileExists(atPath: mapPath + ".older-schema"))

        // Contradicting the log (its root node's hash changed): refused at start, naming the map.
        var database: OpaquePointer?
        try #require(sqlite3_open_v2(mapPath, &database, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK)
        let update = "UPDATE map_nodes SET hash = zeroblob(32) WHERE depth = 0 AND hash IS NOT NULL"
        #expect(sqlite3_exec(database, update, nil, nil, nil) == SQLITE_OK)
        sqlite3_close_v2(database)
        let refused = await #expect(throws: LedgerServerError.self) {
            try await Self.withOpenLedger(config) { _ in () }
        }
        #expect(refused?.field == "store.statusMap", "\(String(describing: refused))")
    }

    /// A log whose last entries no map root closed (written by a sequencer without a finisher, as before map roots
    /// existed): the daemon's first batch closes them too, so its map root is the map of the whole log, and the
    /// replay with the status map (the audit's check) accepts it.
    @Test func entriesNoMapRootClosed_areInTheNextBatchsMapRoot() async throws {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("certledger-map-\(UUID())").path
        defer { try? fm.removeItem(atPath: folder) }
        let config = DevelopmentLedger.config(folder: folder)
        try await DevelopmentLedger.createIfMissing(config: config, logger: quietLogger("test"))
        let signer = try Ed25519NoteSigner(signerKey: String(contentsOfFile: config.resolve(config.keys.checkpoint),
                                                             encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        let identity = LogIdentity(origin: signer.name, hashAlgorithm: .sha256, verifier: signer.verifier)
        // The license and its seal through a sequencer gated by the Registry, but with no finisher.
        let store = try await SQLiteLogStore.open(path: config.resolve(config.store.sqlite))
        let registry = try await Registry.replay(store: store, identity: identity)
        let sequencer = Sequencer(store: store, head: try await TreeHead.load(from: store, identity: identity),
                                  identity: identity, signer: signer, gate: registry, logger: quietLogger("test"))
        let key = { (id: String) in
            try PrivateKey(pem: String(contentsOfFile: DevelopmentLedger.departmentKeyPath(folder: folder, id: id),
                                       encoding: .utf8))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sequencer.run() }
            for (name, department) in [("license-issue", "demo-amr"), ("seal-issue", "demo-psb")] {
                let value = try JSONValue.parse(Array(try Data(contentsOf: DevLedgerServer.examples
                    .appendingPathComponent(name + ".json"))))
                let submission = try Submission.sign(kind: SubmissionKind(validating: value["kind"]?.stringValue ?? ""),
                                                     department: DepartmentID(validating: department),
                                                     key: key(department), nonce: .random(),
                                                     recordJSON: value["record"] ?? .null)
                let checked = try #require(try registry.precheck(submission).checked)
                _ = try await sequencer.submit(registry.admission(for: [checked]))
            }
            sequencer.stopIntake()
            try await group.waitForAll()
        }
        await store.close()

        // The daemon's first batch (a link) ends with the map of everything before it.
        let size = try await StatusMapRestartTests.withOpenLedger(config) { ledger in
            try await StatusMapRestartTests.submit(ledger, folder: folder, links: 1)
            return ledger.log.sequencer.head.size
        }
        let reopened = try await SQLiteLogStore.open(path: config.resolve(config.store.sqlite))
        let entries = try await reopened.entries(0..<size).map { try LogEntry(bytes: $0) }
        let stated = try MapRootRecord(payload: try #require(entries.last).payload).root
        let document = try #require(try JSONValue.parse(Array(try Data(contentsOf: DevLedgerServer.examples
            .appendingPathComponent("license-issue.json"))))["record"]?["document"]?["digest"]?.stringValue)
        let subjects: [StatusMapKey] = [
            .license(try USCC(StatusMapLedgerTests.license)), .seal(try SealID(validating: StatusMapLedgerTests.seal)),
            .document(ContentDigest(algorithm: .sha256, digest: try #require(Hash256(hex: document)))),
        ]
        #expect(stated == (try StatusMapLedgerTests.referenceRoot(of: Array(entries.dropLast()), subjects: subjects)))
        #expect(stated != MapHasher.empty)
        // The audit's check: every map root against the map recomputed from the entries.
        let auditor = RegistryAuditor(identity: identity)
        auditor.keepStatusMap(try RecomputedStatusMap(store: MemoryMapNodeStore(), version: 0, versioned: false,
                                                      hasher: MapHasher()), hasher: MapHasher())
        for entry in entries { try auditor.visit(entry) }
        #expect(auditor.mapRoots.compared == auditor.mapRoots.seen && auditor.mapRoots.seen == 3)
        await reopened.close()
    }
}

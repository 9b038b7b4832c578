import ArgumentParser
import Foundation
import FuzzSupport
import LedgerAudit
import LedgerCrypto
import LedgerServer
import Log
import LogSQLite
import Logging
import SignedNote

extension CertLedgerBench {
    /// The byte-flip trials of `Scripts/fault-trials`: storage damage never goes unseen, and no index is given twice.
    ///
    /// `--base` is a development ledger's folder as a crash left it (the daemon killed with SIGKILL after answering
    /// a load, so that recent batches lie in `log.sqlite-wal`); `--state` the file an audit of it kept
    /// (`certledger audit --state`); `--acks` the load's `ACK <index> <leafHash>` lines. Each trial damages a fresh
    /// copy of the base — one random byte flipped in the database file or in the WAL, or the WAL cut at a random
    /// length — and then tries every detector a deployment has:
    ///
    /// - `audit --state`: the store opened read-only (`PRAGMA quick_check`), the whole audit, and the tree against
    ///   the state;
    /// - start-up: the daemon's open (identity, the head against its tiles, the published-checkpoint record);
    /// - background: if it started, the daemon's background verification (the audit's checks).
    ///
    /// A trial fails when the damage changed what the store holds (entries, tiles, checkpoints, identity: compared
    /// with the untouched base) and no detector saw it, or when a ledger every detector passed lacks an acknowledged
    /// entry (it would give that index to another entry). Prints one `TRIAL` line per trial and a table; exits 1 on
    /// any failure.
    struct ByteFlips: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "byte-flips",
            abstract: "Damage copies of a ledger one byte at a time; check every change is detected.")

        @Option(help: "The development ledger's folder, as the crashed daemon left it (read only).") var base: String
        @Option(help: "The checkpoint file of an audit of the base (audit --state).") var state: String
        @Option(help: "The load's output with ACK lines (acknowledged entries).") var acks: String
        @Option(help: "Trials, spread over database flips, WAL flips and WAL cuts.") var trials = 300
        @Option(help: "Seed of the random damage (the same seed repeats the same trials).") var seed: UInt64 = 1
        @Option(help: "Folder for the copies (default: the temporary folder).") var work: String?

        func run() async throws {
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
            let scratch = (work ?? NSTemporaryDirectory()) + "/byte-flips-\(getpid())"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let acknowledged = try Self.readAcks(acks)
            let pristine = scratch + "/pristine"
            try Self.copyLedger(base, to: pristine)
            let reference = try await Fingerprint.read(folder: pristine)
            let vkey = try String(contentsOfFile: base + "/checkpoint.vkey", encoding: .utf8)
            let verifier = try NoteVerifierKey.parse(vkey.trimmingCharacters(in: .whitespacesAndNewlines))
            for (index, leaf) in acknowledged where reference.leafHashes[index] != leaf {
                throw ValidationError("the base lacks acknowledged entry \(index): not a ledger the load wrote")
            }
            let walSize = Self.size(base + "/log.sqlite-wal")
            let dbSize = Self.size(base + "/log.sqlite")
            print("seed \(seed); base: \(reference.size) entries, \(acknowledged.count) acknowledged, database \(dbSize) B, "
                  + "WAL \(walSize) B")
            var generator = Mutator.Generator(seed: seed)  // a seed repeats a run's damage exactly
            var table = Table()
            for trial in 0..<trials {
                let damage = Damage.random(trial: trial, dbSize: dbSize, walSize: walSize, using: &generator)
                let outcome = try await runTrial(damage, scratch: scratch, reference: reference,
                                                 acknowledged: acknowledged, verifier: verifier)
                table.add(damage.kind, outcome)
                print("TRIAL \(trial) \(damage) -> \(outcome)")
            }
            print("")
            print(table.markdown)
            if table.failures > 0 {
                print("\(table.failures) trial(s) FAILED")
                throw ExitCode(1)
            }
        }

        /// One trial on two fresh copies with the same damage: one for the audit, one for the daemon.
        func runTrial(_ damage: Damage, scratch: String, reference: Fingerprint, acknowledged: [UInt64: String],
                      verifier: any NoteVerifier) async throws -> Outcome {
            let auditCopy = scratch + "/audit", daemonCopy = scratch + "/daemon"
            for copy in [auditCopy, daemonCopy] {
                try? FileManager.default.removeItem(atPath: copy)
                try Self.copyLedger(base, to: copy)
                try damage.apply(to: copy)
            }
            defer {
                try? FileManager.default.removeItem(atPath: auditCopy)
                try? FileManager.default.removeItem(atPath: daemonCopy)
            }
            var outcome = Outcome()
            // What the damaged store holds, as a reader sees it (nil: it cannot be read at all).
            let seen = try? await Fingerprint.read(folder: auditCopy)
            outcome.changed = seen != reference
            outcome.audit = await auditDetects(auditCopy, verifier: verifier)
            let (started, background) = await daemonDetects(daemonCopy)
            outcome.startUp = !started
            outcome.background = background
            if let seen, started, !background {
                // Served: every acknowledged entry must be there, or its index would be given again.
                outcome.ackedMissing = acknowledged.filter { seen.leafHashes[$0.key] != $0.value }.count
            }
            return outcome
        }

        /// `certledger audit --state`'s verdict: true when it fails the store (exit 1).
        func auditDetects(_ folder: String, verifier: any NoteVerifier) async -> Bool {
            let store: SQLiteLogStore
            do { store = try await SQLiteLogStore.openReadOnly(path: folder + "/log.sqlite") } catch { return true }
            defer { Task { await store.close() } }
            do {
                guard let hash = try await LogIdentity.stored(in: store).hashAlgorithm else { return true }
                let identity = LogIdentity(origin: verifier.name, hashAlgorithm: hash, verifier: verifier)
                let report = try await LedgerAudit.verify(store, identity: identity, memoryValues: 0)
                if !report.isValid { return true }
                guard let previous = try CheckpointRecord(path: state).read(verifier: verifier) else { return false }
                let size = report.checkpoint?.checkpoint.size ?? 0
                let root = report.checkpoint?.checkpoint.rootHash ?? MerkleHasher(hash).emptyRoot()
                return try await CheckpointRecord.relation(of: previous.checkpoint, toTreeOf: size, root: root,
                                                           in: store, hashAlgorithm: hash) != .extends
            } catch {
                return true
            }
        }

        /// The daemon's view: (started, found damage in the background).
        func daemonDetects(_ folder: String) async -> (Bool, Bool) {
            var config = DevelopmentLedger.config(folder: folder)
            config.listen.port = 0
            let log: LedgerLog
            do { log = try await LedgerLog.open(config: config, logger: Logger(label: "byte-flips")) } catch {
                return (false, false)
            }
            await BackgroundVerification(log: log, logOnly: false, workPercent: 100, logger: Logger(label: "byte-flips"))
                .verify()
            let found: Bool
            switch log.integrity.status {
            case .failed, .incomplete: found = true
            case .notRun, .verifying, .verified: found = false
            }
            await log.close()
            return (true, found)
        }

        static func readAcks(_ path: String) throws -> [UInt64: String] {
            var acks: [UInt64: String] = [:]
            for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            where line.hasPrefix("ACK ") {
                let parts = line.split(separator: " ")
                if parts.count == 3, let index = UInt64(parts[1]) { acks[index] = String(parts[2]) }
            }
            return acks
        }

        /// The ledger's files (store, WAL, keys, record), not the shared-memory index a crashed process leaves.
        static func copyLedger(_ from: String, to: String) throws {
            let fm = FileManager.default
            try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: from) where !name.hasSuffix("-shm") {
                var isFolder: ObjCBool = false
                guard fm.fileExists(atPath: from + "/" + name, isDirectory: &isFolder), !isFolder.boolValue else {
                    continue
                }
                try fm.copyItem(atPath: from + "/" + name, toPath: to + "/" + name)
                try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: to + "/" + name)
            }
        }

        static func size(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }
    }
}

/// One trial's damage.
struct Damage: CustomStringConvertible {
    enum Kind: String, CaseIterable { case databaseFlip = "database flip", walFlip = "WAL flip", walCut = "WAL cut" }
    let kind: Kind
    /// The byte flipped (flips) or the length kept (cuts).
    let offset: Int
    let mask: UInt8

    static func random(trial: Int, dbSize: Int, walSize: Int, using generator: inout Mutator.Generator) -> Damage {
        var kind = Kind.allCases[trial % 3]
        if walSize == 0 { kind = .databaseFlip }
        let size = kind == .databaseFlip ? dbSize : walSize
        let offset = Int(generator.next() % UInt64(max(1, size)))
        let mask = UInt8(1) << UInt8(generator.next() % 8)
        return Damage(kind: kind, offset: offset, mask: mask)
    }

    func apply(to folder: String) throws {
        let path = folder + (kind == .databaseFlip ? "/log.sqlite" : "/log.sqlite-wal")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        if kind == .walCut {
            try handle.truncate(atOffset: UInt64(offset))
            return
        }
        try handle.seek(toOffset: UInt64(offset))
        guard let byte = try handle.read(upToCount: 1)?.first else { return }
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: [byte ^ mask])
    }

    var description: String {
        kind == .walCut ? "WAL cut to \(offset) B" : "\(kind.rawValue) at byte \(offset) (mask 0x\(String(mask, radix: 16)))"
    }
}

/// What one trial found.
struct Outcome: CustomStringConvertible {
    var changed = false
    var audit = false
    var startUp = false
    var background = false
    var ackedMissing = 0

    var detected: Bool { audit || startUp || background }
    var failed: Bool { (changed && !detected) || ackedMissing > 0 }

    var description: String {
        let by = [audit ? "audit" : nil, startUp ? "start-up" : nil, background ? "background" : nil]
            .compactMap { $0 }.joined(separator: "+")
        let verdict = failed ? "FAILED" : "ok"
        return "\(verdict): \(changed ? "store changed" : "no row changed"), "
            + (detected ? "detected by \(by)" : "not detected")
            + (ackedMissing > 0 ? ", \(ackedMissing) acknowledged entries missing while served" : "")
    }
}

/// Counts per kind of damage.
struct Table {
    struct Row {
        var trials = 0, unchanged = 0, startUp = 0, background = 0, audit = 0, undetected = 0, ackedMissing = 0
    }

    var rows: [Damage.Kind: Row] = [:]
    var failures = 0

    mutating func add(_ kind: Damage.Kind, _ outcome: Outcome) {
        var row = rows[kind] ?? Row()
        row.trials += 1
        if !outcome.changed { row.unchanged += 1 }
        if outcome.startUp { row.startUp += 1 }
        if outcome.background { row.background += 1 }
        if outcome.audit { row.audit += 1 }
        if outcome.changed && !outcome.detected { row.undetected += 1 }
        if outcome.ackedMissing > 0 { row.ackedMissing += 1 }
        rows[kind] = row
        if outcome.failed { failures += 1 }
    }

    var markdown: String {
        var lines = ["| damage | trials | no row changed | refused at start-up | found in background | failed by "
                     + "audit --state | changed, undetected | served without an acknowledged entry |",
                     "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for kind in Damage.Kind.allCases {
            guard let r = rows[kind] else { continue }
            lines.append("| \(kind.rawValue) | \(r.trials) | \(r.unchanged) | \(r.startUp) | \(r.background) | "
                         + "\(r.audit) | \(r.undetected) | \(r.ackedMissing) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// Everything a store holds, as a reader sees it: entries, every tile, every checkpoint, the identity.
struct Fingerprint: Equatable {
    var size: UInt64 = 0
    var bytes: [UInt8] = []
    /// Base64 leaf hash of each entry.
    var leafHashes: [UInt64: String] = [:]

    static func read(folder: String) async throws -> Fingerprint {
        let store = try await SQLiteLogStore.openReadOnly(path: folder + "/log.sqlite")
        defer { Task { await store.close() } }
        var print = Fingerprint()
        guard let head = try await store.head() else { return print }
        print.size = head.size
        let identity = try await LogIdentity.stored(in: store)
        print.bytes += Array("\(identity.origin ?? "-")\n\(identity.hashAlgorithm?.rawValue ?? "-")\n".utf8)
        print.bytes += Array((identity.verifierKey ?? "-").utf8)
        let hasher = MerkleHasher(identity.hashAlgorithm ?? .sha256)
        var index: UInt64 = 0
        while index < head.size {
            let end = min(head.size, index + 1_024)
            for (offset, entry) in try await store.entries(index..<end).enumerated() {
                print.bytes += entry
                print.leafHashes[index + UInt64(offset)] = hasher.leafHash(entry).base64
            }
            index = end
        }
        for checkpoint in try await store.checkpoints(from: 0, limit: Int.max) {
            print.bytes += Array("\(checkpoint.size)".utf8) + checkpoint.checkpoint
        }
        var level: UInt8 = 0
        while level < 8, head.size >> (8 * UInt64(level)) > 0 {
            let nodes = head.size >> (8 * UInt64(level))
            for tile in 0..<((nodes + 255) / 256) {
                print.bytes += try await store.tile(TileKey(level: level, index: tile)) ?? [0xFF]
            }
            level += 1
        }
        return print
    }
}

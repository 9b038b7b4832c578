import CSQLite
import Foundation
import LedgerCrypto
import Log
import LogSQLite
public import SignedNote

/// The witness's state (DESIGN.md §9): per log, its verifier keys and the last checkpoint the witness cosigned,
/// in the witness's own SQLite file.
///
/// Durability contract: `addCheckpoint` returns a cosigned note only after the new state is committed with
/// `synchronous=FULL` in WAL mode (the WAL is fsync'd at COMMIT), so a cosignature that left the process is never
/// forgotten, across SIGKILL or power loss. Reading the state, deciding and writing happen in one `BEGIN
/// IMMEDIATE` transaction, and the write is a compare-and-swap on the (size, root) the decision read: two
/// requests (or two processes on one file) cannot both advance from the same state, which is the rollback race
/// tlog-witness §add-checkpoint warns about.
public final class WitnessStore: Sendable {
    /// The state file.
    public let path: String
    /// Owns the one connection; its serial queue orders every call.
    private let worker: SQLiteWorker

    /// `PRAGMA application_id` of a witness state file: "CLWS".
    static let applicationID: Int32 = 0x434C_5753
    /// `PRAGMA user_version`: the schema this build reads and writes.
    static let schemaVersion = 1

    private init(path: String, worker: SQLiteWorker) {
        self.path = path
        self.worker = worker
    }

    /// Creates a new, empty state file at `path`; throws `.conflict` if one exists.
    public static func create(path: String) async throws -> WitnessStore {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw WitnessError(.conflict, "refusing to create witness state: \(path) already exists")
        }
        let worker = try await SQLiteWorker.start(label: "certledger.witness.sqlite", path: path) {
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                          busyTimeoutMilliseconds: 5_000)
            try Self.configure(db)
            try db.transaction(immediate: true) {
                try db.exec("""
                    PRAGMA application_id = \(Self.applicationID);
                    PRAGMA user_version = \(Self.schemaVersion);
                    CREATE TABLE logs (
                        origin TEXT PRIMARY KEY NOT NULL,
                        verifier_keys TEXT NOT NULL,
                        size INTEGER CHECK (size IS NULL OR size >= 0),
                        root BLOB CHECK (root IS NULL OR length(root) = 32),
                        note BLOB,
                        cosigned_at INTEGER
                    ) STRICT;
                    """)
            }
            return db
        }
        return WitnessStore(path: path, worker: worker)
    }

    /// Opens an existing state file; throws `.notFound` if there is none and `.corrupt` if it is not one.
    public static func open(path: String) async throws -> WitnessStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw WitnessError(.notFound, "no witness state at \(path) (create it with `certledger witness init`)")
        }
        let worker = try await SQLiteWorker.start(label: "certledger.witness.sqlite", path: path) {
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE, busyTimeoutMilliseconds: 5_000)
            let application = try db.scalarText("PRAGMA application_id").flatMap { Int32($0) }
            let version = try db.scalarText("PRAGMA user_version").flatMap { Int($0) }
            guard application == Self.applicationID, version == Self.schemaVersion else {
                throw WitnessError(.corrupt, "\(path) is not a witness state file of schema \(Self.schemaVersion)")
            }
            try Self.configure(db)
            return db
        }
        return WitnessStore(path: path, worker: worker)
    }

    /// WAL and `synchronous=FULL`, read back: a commit that is not fsync'd would void the contract above.
    private static func configure(_ db: SQLiteConnection) throws {
        let mode = try db.scalarText("PRAGMA journal_mode = WAL")?.lowercased()
        guard mode == "wal" else { throw WitnessError(.unavailable, "\(db.path): journal_mode stayed \(mode ?? "?")") }
        try db.exec("PRAGMA synchronous = FULL; PRAGMA fullfsync = ON")
        guard try db.scalarText("PRAGMA synchronous") == "2" else {
            throw WitnessError(.unavailable, "\(db.path): synchronous is not FULL; refusing to open")
        }
    }

    /// Closes the connection once queued calls have finished.
    public func close() async { await worker.close() }

    /// `PRAGMA synchronous` on the connection, for tests of the durability setting ("2" is FULL).
    public func synchronousSetting() async throws -> String {
        try await worker.run { db in try db.scalarText("PRAGMA synchronous") ?? "" }
    }

    /// Adds a log, or one more verifier key to a log already followed (a log rotating its key). Returns false if
    /// the log already had this key.
    @discardableResult
    public func addLog(origin: String, verifier: Ed25519NoteVerifier) async throws -> Bool {
        let key = verifier.verifierKey
        return try await worker.run { db in
            try db.transaction(immediate: true) {
                var existing: String?
                try db.run("SELECT verifier_keys FROM logs WHERE origin = ?", [.text(origin)]) { existing = $0.text(0) }
                guard let existing else {
                    try db.run("INSERT INTO logs (origin, verifier_keys) VALUES (?, ?)", [.text(origin), .text(key)])
                    return true
                }
                let keys = existing.split(separator: "\n").map(String.init)
                if keys.contains(key) { return false }
                try db.run("UPDATE logs SET verifier_keys = ? WHERE origin = ?",
                           [.text((keys + [key]).joined(separator: "\n")), .text(origin)])
                return true
            }
        }
    }

    /// Every log followed, with its state.
    public func logs() async throws -> [WitnessedLog] {
        try await worker.run { db in
            var origins: [String] = []
            try db.run("SELECT origin FROM logs ORDER BY origin") { origins.append($0.text(0)) }
            return try origins.compactMap { try Self.load(db, origin: $0) }
        }
    }

    /// The state of the log with `origin`, or nil.
    public func log(origin: String) async throws -> WitnessedLog? {
        try await worker.run { db in try Self.load(db, origin: origin) }
    }

    /// The result of one add-checkpoint call.
    public enum AddResult: Sendable {
        /// Cosigned and durable: the witness's cosignature line and the note as now kept.
        case cosigned(NoteSignature, CosignedCheckpoint)
        /// Refused, with evidence of a fork when the request proved one.
        case refused(WitnessRefusal, fork: ForkEvidence?)
    }

    /// Decides `request` against the stored state (`WitnessCore.decide`) and, if it is to be cosigned, signs it
    /// with `cosigner` and commits the new state before returning — all inside one write transaction.
    public func addCheckpoint(_ request: AddCheckpointRequest, cosigner: Ed25519CosignatureSigner) async throws
        -> AddResult
    {
        try await worker.run { db in
            try db.transaction(immediate: true) {
                let log = try Self.load(db, origin: request.checkpoint.origin)
                let decision = WitnessCore.decide(request, log: log, hasher: MerkleHasher(.sha256))
                switch decision {
                case .refuse(let refusal, let fork):
                    return .refused(refusal, fork: fork)
                case .cosign(let checkpoint, let logSigned):
                    guard let log else { throw WitnessError(.corrupt, "cosign decided for an unknown log") }
                    let line = try NoteSignature(name: cosigner.name, keyID: cosigner.keyID,
                                                 signature: cosigner.sign(logSigned.textBytes))
                    let kept = try CosignedCheckpoint(
                        note: Note(text: logSigned.text, signatures: logSigned.signatures + [line]))
                    var values: [SQLiteValue] = [
                        .integer(Int64(bitPattern: checkpoint.size)), .blob(checkpoint.rootHash.bytes),
                        .blob(kept.note.bytes), .integer(Int64(Date().timeIntervalSince1970)),
                        .text(checkpoint.origin),
                    ]
                    // Compare-and-swap on the state the decision read.
                    var condition = "size IS NULL"
                    if let previous = log.latest?.checkpoint {
                        condition = "size = ? AND root = ?"
                        values += [.integer(Int64(bitPattern: previous.size)), .blob(previous.rootHash.bytes)]
                    }
                    let changed = try db.run("""
                        UPDATE logs SET size = ?, root = ?, note = ?, cosigned_at = ?
                        WHERE origin = ? AND \(condition)
                        """, values)
                    guard changed == 1 else {
                        throw WitnessError(.corrupt, "the state of \(checkpoint.origin) changed under the decision")
                    }
                    return .cosigned(line, kept)
                }
            }
        }
    }

    private static func load(_ db: SQLiteConnection, origin: String) throws -> WitnessedLog? {
        var row: (keys: String, note: [UInt8]?, size: Int64?, root: [UInt8]?)?
        try db.run("SELECT verifier_keys, note, size, root FROM logs WHERE origin = ?", [.text(origin)]) {
            row = ($0.text(0), $0.isNull(1) ? nil : $0.blob(1), $0.isNull(2) ? nil : $0.integer(2),
                   $0.isNull(3) ? nil : $0.blob(3))
        }
        guard let row else { return nil }
        var verifiers: [Ed25519NoteVerifier] = []
        for key in row.keys.split(separator: "\n") {
            do { verifiers.append(try Ed25519NoteVerifier(verifierKey: String(key))) } catch {
                throw WitnessError(.corrupt, "stored verifier key of \(origin) is malformed: \(error)")
            }
        }
        var latest: CosignedCheckpoint?
        if let bytes = row.note {
            do { latest = try CosignedCheckpoint(note: Note(parsing: bytes)) } catch {
                throw WitnessError(.corrupt, "stored checkpoint of \(origin) is malformed: \(error)")
            }
            guard let latest, latest.checkpoint.origin == origin,
                  row.size.map({ UInt64(bitPattern: $0) }) == latest.checkpoint.size,
                  row.root == latest.checkpoint.rootHash.bytes
            else {
                throw WitnessError(.corrupt, "stored size and root of \(origin) disagree with its stored checkpoint")
            }
        }
        return WitnessedLog(origin: origin, verifiers: verifiers, latest: latest)
    }
}

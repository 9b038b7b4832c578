import Foundation
public import LedgerCrypto
public import Log
public import Logging
public import Registry
public import ServiceLifecycle

/// The registry snapshot file of a daemon (`store.registrySnapshot`, for SQLite and PostgreSQL ledgers alike): read at start so that only the
/// entries after it are replayed, and rewritten in the background as the log grows (`RegistrySnapshotWriter`).
public enum RegistrySnapshotFile {
    /// The snapshot at `path` if it may be started from: its digest checks, it belongs to this log (origin, hash
    /// suite, genesis payload), it is not ahead of the log, and the entry at its `size - 1` is a `map.root` stating
    /// its root. Otherwise nil, with the reason logged as a warning (the caller replays the whole log). A missing
    /// file is no warning.
    public static func load(path: String, store: any LogStore, identity: LogIdentity,
                            logger: Logger) async -> RegistrySnapshot? {
        guard FileManager.default.fileExists(atPath: path) else {
            logger.info("no registry snapshot: the whole log is replayed", metadata: ["file": "\(path)"])
            return nil
        }
        do {
            let snapshot = try RegistrySnapshot(decoding: try readFile(path))
            try await check(snapshot, store: store, identity: identity)
            return snapshot
        } catch {
            logger.warning("registry snapshot ignored, the whole log is replayed instead: \(error)", metadata: [
                "file": "\(path)",
            ])
            return nil
        }
    }

    /// The checks of `load` on a decoded snapshot; throws `RegistrySnapshot.Unusable` naming the first that fails.
    public static func check(_ snapshot: RegistrySnapshot, store: any LogStore, identity: LogIdentity) async throws {
        typealias Unusable = RegistrySnapshot.Unusable
        guard snapshot.origin == identity.origin else {
            throw Unusable("it is of the ledger \(snapshot.origin), this log is \(identity.origin)")
        }
        guard snapshot.hashAlgorithm == identity.hashAlgorithm else {
            throw Unusable("it hashes with \(snapshot.hashAlgorithm), this log with \(identity.hashAlgorithm)")
        }
        let logSize = try await store.head()?.size ?? 0
        guard snapshot.size >= 1, snapshot.size <= logSize else {
            throw Unusable("it stands at \(snapshot.size) entries, the log has \(logSize): it is ahead of the log")
        }
        let genesis = try await entry(0, in: store)
        guard genesis.payload.elementsEqual(snapshot.genesisPayload) else {
            throw Unusable("its genesis is not this log's entry 0: it is of another ledger")
        }
        let last = try await entry(snapshot.size - 1, in: store)
        guard MapRootRecord.isMapRoot(last.payload) else {
            throw Unusable("entry \(snapshot.size - 1) of the log is no map.root entry: it is of another history")
        }
        let stated = try MapRootRecord(payload: last.payload).root
        guard stated == snapshot.mapRoot else {
            throw Unusable("the map.root entry \(snapshot.size - 1) states root \(stated.base64), the snapshot "
                           + "\(snapshot.mapRoot.base64): it is of another history")
        }
    }

    private static func entry(_ index: UInt64, in store: any LogStore) async throws -> LogEntry {
        guard let bytes = try await store.entries(index..<index + 1).first else {
            throw RegistrySnapshot.Unusable("entry \(index) is missing from the log")
        }
        return try LogEntry(bytes: bytes)
    }

    /// Writes `bytes` to `path` atomically: a temporary file beside it, fsync'd, renamed over it, and the folder
    /// fsync'd, so a crash leaves the old snapshot or the new one, never a mix.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        // Of this process: daemons of one PostgreSQL ledger configured in one folder may write the same file.
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SnapshotIOError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = "cannot write \(temporary): \(String(cString: strerror(errno)))"
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = "cannot fsync \(temporary): \(String(cString: strerror(errno)))" }
        close(fd)
        if let failure {
            unlink(temporary)
            throw SnapshotIOError(failure)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SnapshotIOError("cannot rename \(temporary) to \(path): \(reason)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// The whole file, read in one pass into one array.
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SnapshotIOError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SnapshotIOError("cannot stat \(path)") }
        let size = Int(info.st_size)
        guard size > 0 else { return [] }
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var offset = 0
            while offset < size {
                let read = Foundation.read(fd, buffer.baseAddress! + offset, size - offset)
                if read < 0, errno == EINTR { continue }
                if read <= 0 {
                    failure = read < 0 ? String(cString: strerror(errno)) : "it ended after \(offset) bytes"
                    break
                }
                offset += read
            }
            count = offset
        }
        if let failure { throw SnapshotIOError("cannot read \(path): \(failure)") }
        return bytes
    }
}

struct SnapshotIOError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a registry snapshot (`RegistrySnapshotFile`) whenever `every` entries were added since the last one:
/// every few seconds it asks the Registry for its state at the end of a closed, durable batch
/// (`Registry.closedState()`), and encodes and writes it on a thread of its own, so the sequencer never waits for
/// it. A failed write is logged and tried again at the next chance; the old snapshot stays.
public struct RegistrySnapshotWriter: Service {
    let registry: Registry
    let store: any LogStore
    let identity: LogIdentity
    let path: String
    let every: UInt64
    /// The size of the snapshot the daemon started from (0 without one).
    public let startSize: UInt64
    let interval: Duration
    let logger: Logger

    public init(registry: Registry, store: any LogStore, identity: LogIdentity, path: String, every: Int,
                startSize: UInt64, interval: Duration = .seconds(2), logger: Logger) {
        self.registry = registry
        self.store = store
        self.identity = identity
        self.path = path
        self.every = UInt64(max(1, every))
        self.startSize = startSize
        self.interval = interval
        self.logger = logger
    }

    public func run() async {
        await cancelWhenGracefulShutdown { await loop() }
    }

    private func loop() async {
        var last = startSize
        var genesis: [UInt8]?
        while !Task.isCancelled {
            let committed = (try? registry.read { $0.committedSize }) ?? 0
            if committed >= last + every, let state = registry.closedState(), state.size >= last + every {
                do {
                    if genesis == nil { genesis = try await Self.payload(at: 0, in: store) }
                    let written = try await write(state, genesis: genesis ?? [])
                    last = state.size
                    logger.info("registry snapshot written", metadata: [
                        "entries": "\(state.size)", "bytes": "\(written.bytes)",
                        "seconds": "\(String(format: "%.2f", written.seconds))", "file": "\(path)",
                    ])
                } catch {
                    logger.error("registry snapshot not written; the previous one stays: \(error)", metadata: [
                        "entries": "\(state.size)", "file": "\(path)",
                    ])
                }
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// Writes a snapshot of the Registry now, if it is at the end of a closed batch; answers its size, or nil when a
    /// batch was in flight (try again).
    public func writeNow() async throws -> UInt64? {
        guard let state = registry.closedState() else { return nil }
        _ = try await write(state, genesis: try await Self.payload(at: 0, in: store))
        return state.size
    }

    /// Encodes and writes `state` (its last entry must be a `map.root`, whose root the snapshot records), off the
    /// concurrency pool.
    func write(_ state: RegistryState, genesis: [UInt8]) async throws -> (bytes: Int, seconds: Double) {
        let last = try await Self.payload(at: state.size - 1, in: store)
        guard MapRootRecord.isMapRoot(last) else {
            throw RegistrySnapshot.Unusable("entry \(state.size - 1) is no map.root entry")
        }
        let root = try MapRootRecord(payload: last).root
        let origin = identity.origin, algorithm = identity.hashAlgorithm, path = path
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                let start = ContinuousClock.now
                do {
                    let bytes = try RegistrySnapshot.encode(state, origin: origin, hashAlgorithm: algorithm,
                                                            mapRoot: root, genesisPayload: genesis)
                    try RegistrySnapshotFile.write(bytes, to: path)
                    continuation.resume(returning: (bytes.count, (ContinuousClock.now - start).seconds))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    static func payload(at index: UInt64, in store: any LogStore) async throws -> [UInt8] {
        guard let bytes = try await store.entries(index..<index + 1).first else {
            throw RegistrySnapshot.Unusable("entry \(index) is missing from the log")
        }
        return Array(try LogEntry(bytes: bytes).payload)
    }
}

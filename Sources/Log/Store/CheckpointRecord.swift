import Dispatch
public import LedgerCrypto
public import SignedNote
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A signed checkpoint kept in a small file apart from the store: the newest one a daemon has published, or the one
/// an audit verified last (`certledger audit --state`).
///
/// A store can lose its tail without an error: SQLite drops every WAL frame from the first damaged one on and opens
/// smaller; a restored backup or a wiped table is self-consistent. Only a record kept outside the store shows that
/// entries once acknowledged are gone — and so keeps the ledger from giving their indices to other entries.
///
/// The file holds the C2SP signed note, nothing else. It is replaced atomically and durably (a temporary file
/// beside it, written, fsync'd, renamed over it, the folder fsync'd), so after a crash it holds the old record or the
/// new one, whole.
public struct CheckpointRecord: Sendable {
    /// The file.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The recorded checkpoint, verified with the log's key; nil when there is no file yet.
    ///
    /// - Throws: `LogError.inconsistent` for a file that holds no checkpoint signed by `verifier` (damaged, or
    ///   another ledger's), `LogStoreError.unavailable` for one that cannot be read.
    public func read(verifier: any NoteVerifier) throws -> SignedCheckpoint? {
        guard let bytes = try Self.readFile(path) else { return nil }
        do {
            return try SignedCheckpoint(opening: bytes, logVerifier: verifier)
        } catch {
            throw LogError(.inconsistent, field: path,
                           "\(path) does not hold a checkpoint signed by \(verifier.name): \(error)")
        }
    }

    /// Replaces the record with `checkpoint` (signed-note bytes) and returns once it is on stable storage.
    ///
    /// - Throws: `LogStoreError.unavailable` with the system's reason (a full disk, a read-only folder).
    public func write(_ checkpoint: [UInt8]) throws {
        try Self.replaceDurably(path, with: checkpoint)
    }

    /// `write(_:)` on a thread of its own, so that the fsyncs never hold one of the few cooperative threads.
    public func writeInBackground(_ checkpoint: [UInt8]) async throws {
        let path = self.path
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Self.queue.async {
                do {
                    try Self.replaceDurably(path, with: checkpoint)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Serializes the records' writes off the cooperative pool.
    private static let queue = DispatchQueue(label: "certledger.checkpoint-record")

    /// How a stored tree relates to a recorded checkpoint.
    public enum Relation: Sendable, Equatable {
        /// The stored tree is the recorded one or grew from it (RFC 9162 consistency).
        case extends
        /// The stored tree is smaller than the recorded one: entries once covered by a signed checkpoint are gone.
        case shrank(recorded: UInt64, stored: UInt64)
        /// The stored tree does not contain the recorded one: another history under the same key.
        case forked(recorded: UInt64, stored: UInt64, why: String)
    }

    /// Whether the tree of `size` leaves with root `root` in `store` extends `recorded`: equal roots at the same
    /// size, or a consistency proof from the store's tiles that verifies against both roots.
    public static func relation(of recorded: Checkpoint, toTreeOf size: UInt64, root: Hash256, in store: any LogStore,
                                hashAlgorithm: HashAlgorithm) async throws -> Relation {
        guard recorded.size <= size else { return .shrank(recorded: recorded.size, stored: size) }
        if recorded.size == size {
            return recorded.rootHash == root ? .extends : .forked(recorded: recorded.size, stored: size,
                why: "the stored root at size \(size) is \(root.base64), the recorded one \(recorded.rootHash.base64)")
        }
        if recorded.size == 0 { return .extends }
        let reader = LogReader(store: store, hashAlgorithm: hashAlgorithm)
        let proof: [Hash256]
        do {
            proof = try await reader.consistencyProof(size1: recorded.size, size2: size, treeSize: size)
        } catch let error as LogStoreError where error.code == .unavailable {
            throw error
        } catch {
            return .forked(recorded: recorded.size, stored: size,
                           why: "no consistency proof from \(recorded.size) to \(size) can be read: \(error)")
        }
        let verdict = try MerkleHasher(hashAlgorithm).verifyConsistency(
            size1: recorded.size, size2: size, proof: proof, root1: recorded.rootHash, root2: root)
        return verdict.isValid ? .extends : .forked(recorded: recorded.size, stored: size, why: "\(verdict)")
    }

    // MARK: Files

    private static func failure(_ what: String, _ path: String) -> LogStoreError {
        LogStoreError(.unavailable, "cannot \(what) \(path): \(String(cString: strerror(errno)))")
    }

    /// The whole file, or nil if it does not exist. Records are a few hundred bytes; anything past 64 KiB is not one.
    private static func readFile(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw failure("read", path)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = buffer.withUnsafeMutableBytes { readFD(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw failure("read", path) }
            if n == 0 { return bytes }
            bytes += buffer.prefix(n)
            if bytes.count > 65_536 { throw LogError(.inconsistent, field: path, "\(path) is too long for a checkpoint") }
        }
    }

    /// Temporary file, write, fsync, rename over `path`, fsync the folder: the rename is durable too. The temporary
    /// name is the writer's own (process and a random tag): several daemons on one PostgreSQL ledger may share a
    /// data folder, and so one record, each replacing it with a checkpoint of the same ledger.
    private static func replaceDurably(_ path: String, with bytes: [UInt8]) throws {
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("write", temp) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { writeFD(fd, $0.baseAddress, $0.count) }
            guard n > 0 else {
                let error = failure("write", temp)
                close(fd)
                unlink(temp)
                throw error
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let error = failure("fsync", temp)
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            let error = failure("replace", path)
            unlink(temp)
            throw error
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw failure("open the folder", folder) }
        defer { close(dir) }
        guard fsync(dir) == 0 else { throw failure("fsync the folder", folder) }
    }
}

/// The system's `read(2)` and `write(2)`, whose names the record's own methods shadow inside the type.
private func readFD(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func writeFD(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }

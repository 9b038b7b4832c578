import ChildProcessSupport
import Foundation
import LedgerCrypto
import Log
import Logging
import SignedNote
import Witness

/// A log for witness tests: entries in memory, the RFC 9162 tree over them from the project's Merkle code, and
/// checkpoints signed with the log's key — which a test may also hold as a thief would.
struct TestLog {
    static let origin = "example.org/test-log"

    let signer: Ed25519NoteSigner
    var entries: [[UInt8]]

    init(signer: Ed25519NoteSigner, entries: [[UInt8]]) {
        self.signer = signer
        self.entries = entries
    }

    /// A log of `count` entries signed by a fixed key (seed byte 7) under `TestLog.origin`.
    static func make(count: Int, seed: UInt8 = 7, origin: String = TestLog.origin) throws -> TestLog {
        let key = try PrivateKey(ed25519Seed: [UInt8](repeating: seed, count: 32))
        return TestLog(signer: try Ed25519NoteSigner(name: origin, privateKey: key),
                       entries: (0..<count).map { Array("entry \($0)".utf8) })
    }

    var verifier: Ed25519NoteVerifier { signer.verifier }
    var leafHashes: [Hash256] {
        let hasher = MerkleHasher(.sha256)
        return entries.map { hasher.leafHash($0) }
    }

    func root(_ size: Int) -> Hash256 {
        MerkleHasher(.sha256).rootHash(of: leafHashes[0..<size])
    }

    /// The checkpoint of the first `size` entries, signed by the log key.
    func checkpoint(_ size: Int) throws -> Note {
        try SignedCheckpoint.sign(Checkpoint(origin: signer.name, size: UInt64(size), rootHash: root(size)),
                                  with: signer).note
    }

    /// The RFC 9162 consistency proof from `old` to `new` entries (empty for old 0 or old = new).
    func proof(from old: Int, to new: Int) throws -> [Hash256] {
        guard old > 0, old < new else { return [] }
        return try MerkleHasher(.sha256).consistencyProof(size1: UInt64(old), size2: UInt64(new),
                                                          leafHashes: leafHashes)
    }

    /// A whole add-checkpoint request body from `old` to `new` entries.
    func request(from old: Int, to new: Int) throws -> AddCheckpointRequest {
        try AddCheckpointRequest(oldSize: UInt64(old), proof: proof(from: old, to: new), note: checkpoint(new))
    }

    /// The same log with entry `index` rewritten: every later tree, proof and checkpoint recomputed and signed
    /// with the same key, as a thief of the checkpoint key could.
    func rewriting(_ index: Int, with bytes: [UInt8]) -> TestLog {
        var copy = self
        copy.entries[index] = bytes
        return copy
    }

    /// The same log with a different history from `index` on (same sizes, other entries).
    func forking(at index: Int) -> TestLog {
        var copy = self
        for i in index..<entries.count { copy.entries[i] = Array("forked entry \(i)".utf8) }
        return copy
    }
}

/// A fresh directory under the system temp folder, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("witness-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// A witness named `example.org/witness` in `folder`, following `log`, with a fixed clock.
func makeWitness(in folder: String, following logs: [TestLog], time: UInt64 = 1_800_000_000) async throws -> Witness {
    let directory = WitnessDirectory(path: folder)
    _ = try await directory.create(name: "example.org/witness")
    let store = try await WitnessStore.open(path: directory.statePath)
    for log in logs { try await store.addLog(origin: log.signer.name, verifier: log.verifier) }
    await store.close()
    return try await reopenWitness(in: folder, time: time)
}

/// The witness in `folder`, opened again (as after a restart).
func reopenWitness(in folder: String, time: UInt64 = 1_800_000_000) async throws -> Witness {
    // Quiet: the forks the tests make on purpose would fill the output with critical lines.
    let logger = Logger(label: "witness-test", factory: { _ in SwiftLogNoOpLogHandler() })
    return try await Witness.open(directory: WitnessDirectory(path: folder), logger: logger, clock: { time })
}

extension Witness {
    /// Sends `request` through the same entry point the HTTP route uses.
    func add(_ request: AddCheckpointRequest) async -> Witness.Response {
        await addCheckpoint(body: request.bytes)
    }
}

extension Witness.Response {
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// The products directory (SwiftPM puts the package's executables next to the test bundle).
var productsDirectory: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }

/// Runs a built product to completion: (exit status, stdout, stderr).
func runProduct(_ product: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil) async throws -> (status: Int32, out: String, err: String) {
    try await run(productsDirectory.appendingPathComponent(product).path, arguments, environment: environment,
                  directory: directory)
}

/// Runs a program to completion on a thread of its own (`onOwnThread`): (exit status, stdout, stderr).
func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
         input: [UInt8]? = nil) async throws -> (status: Int32, out: String, err: String) {
    try await onOwnThread {
        try runBlocking(program, arguments, environment: environment, directory: directory, input: input)
    }
}

private func runBlocking(_ program: String, _ arguments: [String], environment: [String: String]?,
                         directory: String?, input: [UInt8]?) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe(), stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input)) }
    try? stdin.fileHandleForWriting.close()
    // Read stderr beside stdout so that neither pipe fills up and blocks the child.
    let errBox = DataBox()
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        errBox.data = err.fileHandleForReading.readDataToEndOfFile()
        done.signal()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    let errData = errBox.data
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self))
}

/// Finds `program` on PATH.
func which(_ program: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(program)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Bytes handed from a reader thread to the waiting one; the semaphore orders the write before the read.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

import Foundation
import LedgerCrypto
import Log
import LogSQLite
import SignedNote

/// A SQLite-backed log in a folder, with its checkpoint key beside it: what the log benchmark and the crash
/// writer drive. The folder holds `log.sqlite`, `checkpoint.skey` (a C2SP signer key, mode 0600) and
/// `checkpoint.vkey` (its verifier key, what an auditor trusts).
struct LogHarness {
    let store: SQLiteLogStore
    let identity: LogIdentity
    let signer: Ed25519NoteSigner

    static let origin = "bench.certledger.local/log"

    /// Opens the log in `folder`, creating it first when `create` is set and the folder holds none.
    static func open(folder: String, create: Bool) async throws -> LogHarness {
        let fm = FileManager.default
        let dbPath = folder + "/log.sqlite", keyPath = folder + "/checkpoint.skey"
        if !fm.fileExists(atPath: dbPath) {
            guard create else { throw HarnessError("no log at \(dbPath); pass --create to make one") }
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let signer = try Ed25519NoteSigner.generate(name: origin)
            let skey = try signer.signerKey
            guard fm.createFile(atPath: keyPath, contents: Data(skey.utf8), attributes: [.posixPermissions: 0o600]),
                  fm.createFile(atPath: folder + "/checkpoint.vkey", contents: Data(signer.verifier.verifierKey.utf8))
            else { throw HarnessError("cannot write the checkpoint keys in \(folder)") }
            let store = try await SQLiteLogStore.create(path: dbPath)
            let identity = LogIdentity(origin: origin, hashAlgorithm: .sha256, verifier: signer.verifier)
            try await identity.record(in: store, verifierKey: signer.verifier.verifierKey)
            return LogHarness(store: store, identity: identity, signer: signer)
        }
        let skey = try String(contentsOfFile: keyPath, encoding: .utf8)
        let signer = try Ed25519NoteSigner(signerKey: skey)
        let store = try await SQLiteLogStore.open(path: dbPath)
        let identity = LogIdentity(origin: signer.name, hashAlgorithm: .sha256, verifier: signer.verifier)
        try await identity.check(store, verifierKey: signer.verifier.verifierKey)
        return LogHarness(store: store, identity: identity, signer: signer)
    }

    /// Loads and checks the head (refusing an inconsistent store), then makes the sequencer.
    func sequencer(config: SequencerConfig, finisher: (any BatchFinisher)? = nil) async throws -> Sequencer {
        let head = try await TreeHead.load(from: store, identity: identity)
        return Sequencer(store: store, head: head, identity: identity, signer: signer, finisher: finisher,
                         config: config)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Peak and current resident set size of this process, from /proc (kB).
enum Memory {
    static func status(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
        }
        return -1
    }
    static var rssKB: Int { status("VmRSS") }
    static var peakKB: Int { status("VmHWM") }
}

/// A payload of about `bytes` bytes: canonical JSON with a counter and pseudo-random filler, distinct per `n`.
/// Fillers come from a pool of 1,024 made once, so the load generator's own cost stays out of the measurement.
func benchPayload(_ n: Int, bytes: Int) -> [UInt8] {
    let head = Array(#"{"filler":""#.utf8), tail = Array(#"","n":\#(n)}"#.utf8)
    let fill = max(0, bytes - head.count - tail.count)
    let pooled = FillerPool.shared.filler(n % FillerPool.count)
    return head + pooled.prefix(fill) + tail
}

/// Pseudo-random lower-case/digit strings (xorshift), 4 KiB each, made once.
final class FillerPool: Sendable {
    static let count = 1_024
    static let shared = FillerPool()
    private let fillers: [[UInt8]]

    private init() {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        fillers = (0..<Self.count).map { i in
            var x = UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15 | 1
            return (0..<4_096).map { _ in
                x ^= x << 13; x ^= x >> 7; x ^= x << 17
                return alphabet[Int(x % 36)]
            }
        }
    }

    func filler(_ i: Int) -> ArraySlice<UInt8> { fillers[i][...] }
}

import Foundation
import LedgerCrypto
public import SignedNote
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A witness's data directory: `witness.key` (the Ed25519 private key, PKCS#8 PEM, mode 0600), `witness.vkey` (its
/// C2SP cosignature verifier key, `name+id+base64(0x04 ‖ key)`), `witness.sqlite` (the state) and `evidence/`
/// (fork evidence files).
public struct WitnessDirectory: Sendable {
    /// The directory.
    public let path: String

    /// The directory at `path` (nothing is read until asked).
    public init(path: String) { self.path = path }

    public var keyPath: String { path + "/witness.key" }
    public var verifierKeyPath: String { path + "/witness.vkey" }
    public var statePath: String { path + "/witness.sqlite" }
    public var evidencePath: String { path + "/evidence" }

    /// Creates a new witness named `name`: a fresh Ed25519 key (through OpenSSL), its verifier key, an empty state
    /// file and the evidence directory. Refuses (`.conflict`) if a witness key or state already exists there.
    /// Returns the cosignature verifier key to publish.
    public func create(name: String) async throws -> Ed25519CosignatureVerifier {
        let fm = FileManager.default
        for existing in [keyPath, verifierKeyPath, statePath] where fm.fileExists(atPath: existing) {
            throw WitnessError(.conflict, "\(existing) exists; refusing to replace a witness")
        }
        let key = try PrivateKey.generate(.ed25519)
        let cosigner: Ed25519CosignatureSigner
        do { cosigner = try Ed25519CosignatureSigner(name: name, privateKey: key) } catch {
            throw WitnessError(.invalidKey, "witness name \(name.prefix(60)) refused: \(error)")
        }
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.writeNew(keyPath, Array(try key.pkcs8PEM().utf8), mode: 0o600)
        try Self.writeNew(verifierKeyPath, Array((cosigner.verifier.verifierKey + "\n").utf8), mode: 0o644)
        try fm.createDirectory(atPath: evidencePath, withIntermediateDirectories: true)
        try await WitnessStore.create(path: statePath).close()
        return cosigner.verifier
    }

    /// Loads the witness key and checks it against `witness.vkey`; `clock` stamps cosignatures (the wall clock
    /// unless a test fixes it).
    public func loadCosigner(clock: (@Sendable () -> UInt64)? = nil) throws -> Ed25519CosignatureSigner {
        let vkeyText = try Self.readText(verifierKeyPath).trimmingCharacters(in: .whitespacesAndNewlines)
        let verifier: Ed25519CosignatureVerifier
        do { verifier = try Ed25519CosignatureVerifier(verifierKey: vkeyText) } catch {
            throw WitnessError(.invalidKey, "\(verifierKeyPath) is not a cosignature verifier key: \(error)")
        }
        let key: PrivateKey
        let pem = try Self.readText(keyPath)
        do { key = try PrivateKey(pem: pem, algorithm: .ed25519) } catch {
            throw WitnessError(.invalidKey, "\(keyPath) is not an Ed25519 private key: \(error)")
        }
        let cosigner: Ed25519CosignatureSigner
        do { cosigner = try Ed25519CosignatureSigner(name: verifier.name, privateKey: key, clock: clock) } catch {
            throw WitnessError(.invalidKey, "witness key refused: \(error)")
        }
        guard cosigner.verifier.verifierKey == verifier.verifierKey else {
            throw WitnessError(.invalidKey, "\(keyPath) is not the key of \(verifierKeyPath)")
        }
        return cosigner
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WitnessError(.notFound, "cannot read \(path) (create the witness with `certledger witness init`)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Creates `path` with `mode` and `bytes`, all or nothing: the bytes go to a temporary file made with `mode`
    /// from the first byte on (a key is never readable by others, even for an instant), which is fsync'd and then
    /// linked to `path` — failing with `.conflict` if `path` exists — and the directory is fsync'd. A crash leaves
    /// either no file or the whole one, never a truncated key or evidence file.
    static func writeNew(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let temporary = path + ".partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            throw WitnessError(.unavailable, "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        var failure: String?
        if fchmod(fd, mode) != 0 { failure = "cannot set the mode" }
        var written = 0
        while failure == nil && written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { failure = String(cString: strerror(errno)) } else { written += n }
        }
        if failure == nil && fsync(fd) != 0 { failure = "fsync: \(String(cString: strerror(errno)))" }
        close(fd)
        if let failure { throw WitnessError(.unavailable, "cannot write \(path): \(failure)") }
        guard link(temporary, path) == 0 else {
            throw WitnessError(errno == EEXIST ? .conflict : .unavailable,
                               "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }
}

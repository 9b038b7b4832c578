import ArgumentParser
import Foundation
import LedgerCrypto

extension CertLedger {
    /// `certledger keygen`: a department (or operator) key pair as PEM files, and its key ID.
    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a signing key pair for a department.",
            discussion: """
                Writes the private key (PKCS#8 PEM, readable by its owner only: mode 0600) and the public key \
                (SPKI PEM). Give the public key and the printed key ID to the ledger operator so the department \
                can be registered; keep the private key on the department's own machine.

                Example:
                  certledger keygen --algorithm sm2 --out keys/xy-amr
                writes keys/xy-amr.key and keys/xy-amr.pub.
                """
        )

        @Option(help: "ed25519, ecdsa-p256 or sm2 (SM2 with SM3 and the GM/T default ID 1234567812345678).")
        var algorithm: KeyAlgorithm = .ed25519

        @Option(help: "Path prefix of the files to write: <out>.key and <out>.pub.")
        var out: String

        @Flag(help: "Replace existing files instead of refusing.")
        var force = false

        func validate() throws {
            guard !out.isEmpty else { throw ValidationError("--out must name a path prefix, e.g. keys/xy-amr") }
        }

        func run() throws {
            let key = try PrivateKey.generate(algorithm.signatureAlgorithm)
            let keyPath = out + ".key", pubPath = out + ".pub"
            let fm = FileManager.default
            if !force {
                for path in [keyPath, pubPath] where fm.fileExists(atPath: path) {
                    throw CLIError("\(path) exists; refusing to overwrite a key (use --force to replace it)")
                }
            }
            let dir = (keyPath as NSString).deletingLastPathComponent
            if !dir.isEmpty { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try writeFile(keyPath, contents: try key.pkcs8PEM(), mode: 0o600)
            try writeFile(pubPath, contents: key.publicKey.pem, mode: 0o644)
            print("algorithm \(algorithm.signatureAlgorithm.rawValue)")
            print("keyId     \(key.publicKey.keyID)")
            print("private   \(keyPath)  (mode 0600: keep it on the department's machine)")
            print("public    \(pubPath)")
        }
    }
}

/// Key algorithms as spelled on the command line.
enum KeyAlgorithm: String, ExpressibleByArgument, CaseIterable {
    case ed25519
    case ecdsaP256 = "ecdsa-p256"
    case sm2

    var signatureAlgorithm: SignatureAlgorithm {
        switch self {
        case .ed25519: return .ed25519
        case .ecdsaP256: return .ecdsaP256SHA256
        case .sm2: return .sm2SM3
        }
    }
}

/// Creates (or truncates) a file with the given mode from the first byte on, so a private key is never readable
/// by others even for an instant.
func writeFile(_ path: String, contents: String, mode: mode_t) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard fd >= 0 else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    guard fchmod(fd, mode) == 0 else { throw CLIError("cannot set the mode of \(path)") }
    let bytes = Array(contents.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        written += n
    }
    guard fsync(fd) == 0 else { throw CLIError("cannot sync \(path)") }
}

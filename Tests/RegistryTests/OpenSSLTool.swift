import ChildProcessSupport
import Foundation
import LedgerCrypto
import Testing

/// The system `openssl` (3.0) in a private temporary folder: signatures made by OpenSSL's own tools, not by
/// this project's wrapper, must verify as submission signatures.
final class OpenSSLTool {
    static let executable = "/usr/bin/openssl"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: executable) }
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Runs `openssl arguments…` in the folder and requires success; returns standard output.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let run = try ProgramRun(Self.executable, arguments, directory: folder.path)
        try #require(run.status == 0, "openssl \(arguments.joined(separator: " ")): \(run.errors)")
        return run.output
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// Generates a key pair with `openssl genpkey`; returns the public key as OpenSSL wrote it.
    func generateKey(_ algorithm: SignatureAlgorithm) throws -> PublicKey {
        let options: [String]
        switch algorithm {
        case .ed25519: options = ["-algorithm", "ED25519"]
        case .ecdsaP256SHA256: options = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        case .sm2SM3: options = ["-algorithm", "SM2"]
        }
        try run(["genpkey"] + options + ["-out", "key.pem"])
        let pem = try run(["pkey", "-in", "key.pem", "-pubout"])
        return try PublicKey(pem: pem, algorithm: algorithm)
    }

    /// Signs `message` with key.pem as each algorithm's standard says (SM2 with the GM/T 0009 default ID).
    func sign(_ message: [UInt8], _ algorithm: SignatureAlgorithm) throws -> [UInt8] {
        try write("msg", message)
        switch algorithm {
        case .ed25519:
            try run(["pkeyutl", "-sign", "-rawin", "-inkey", "key.pem", "-in", "msg", "-out", "sig"])
        case .ecdsaP256SHA256:
            try run(["dgst", "-sha256", "-sign", "key.pem", "-out", "sig", "msg"])
        case .sm2SM3:
            try run(["dgst", "-sm3", "-sign", "key.pem", "-sigopt", "distid:1234567812345678", "-out", "sig", "msg"])
        }
        return try read("sig")
    }
}

import Foundation
import Testing

/// Runs the system `openssl` command (3.0) in a private temporary directory, for interoperability tests:
/// what OpenSSL's own tools write must load here, and what we sign must verify there.
final class OpenSSLCLI {
    static let executable = "/usr/bin/openssl"
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ledgercrypto-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    struct Result {
        let status: Int32
        let output: String
    }

    /// Runs `openssl arguments…` with the temporary directory as working directory.
    @discardableResult
    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs and requires exit status 0, recording OpenSSL's output on failure.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        try #require(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.output)",
                     sourceLocation: sourceLocation)
        return result.output
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    func write(_ name: String, _ text: String) throws {
        try write(name, Array(text.utf8))
    }

    func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    func readText(_ name: String) throws -> String {
        String(decoding: try read(name), as: UTF8.self)
    }

    /// `openssl genpkey` arguments producing a key of the given kind.
    static func genpkeyArguments(_ kind: String) -> [String] {
        switch kind {
        case "ed25519": return ["-algorithm", "ED25519"]
        case "ecdsa-p256-sha256": return ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        case "sm2-sm3": return ["-algorithm", "SM2"]
        case "p384": return ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]
        case "rsa": return ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]
        default: return ["-algorithm", kind]
        }
    }

    /// Generates a PKCS#8 private key `name` and its SPKI public key `name.pub`; returns both PEM texts.
    func generateKey(_ kind: String, name: String) throws -> (privatePEM: String, publicPEM: String) {
        try succeed(["genpkey"] + Self.genpkeyArguments(kind) + ["-out", name])
        try succeed(["pkey", "-in", name, "-pubout", "-out", name + ".pub"])
        return (try readText(name), try readText(name + ".pub"))
    }
}

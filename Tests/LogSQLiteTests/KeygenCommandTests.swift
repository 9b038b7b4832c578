import ChildProcessSupport
import Foundation
import LedgerCrypto
import Testing

/// `certledger keygen` as a department runs it: each algorithm writes a private key that only
/// its owner can read — whatever the umask — and a public key whose ID is the one printed; `openssl` reads both.
@Suite(.serialized) struct KeygenCommandTests {
    let cli = AuditCommandTests()

    func mode(_ path: String) throws -> Int {
        try #require((FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue)
    }

    /// Runs keygen under `umask 000`, so a mode of 0600 can only come from keygen itself.
    func keygen(_ arguments: [String]) async throws -> (Int32, String, String) {
        let binary = ChildProcess.productsDirectory.appendingPathComponent("certledger").path
        let quoted = ([binary, "keygen"] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        return try await ChildProcess.runToCompletion(URL(fileURLWithPath: "/bin/sh"), ["-c",
                                                                                        "umask 000; exec \(quoted)"])
    }

    @Test(arguments: [("ed25519", SignatureAlgorithm.ed25519, "ED25519"),
                      ("ecdsa-p256", .ecdsaP256SHA256, "prime256v1"),
                      ("sm2", .sm2SM3, "SM2")])
    func eachAlgorithm_writesAnOwnerOnlyKeyAndItsPublicHalf(name: String, algorithm: SignatureAlgorithm,
                                                          opensslName: String) async throws {
        let folder = cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, out, err) = try await keygen(["--algorithm", name, "--out", folder + "/keys/dept"])
        try #require(status == 0, "\(err)")
        let keyPath = folder + "/keys/dept.key", pubPath = folder + "/keys/dept.pub"
        #expect(try mode(keyPath) == 0o600)
        #expect(try mode(pubPath) == 0o644)

        let privateKey = try PrivateKey(pem: try String(contentsOfFile: keyPath, encoding: .utf8))
        let publicKey = try PublicKey(pem: try String(contentsOfFile: pubPath, encoding: .utf8))
        #expect(privateKey.algorithm == algorithm && publicKey == privateKey.publicKey)
        #expect(out.contains("keyId     \(publicKey.keyID)"), "\(out)")
        #expect(out.contains("algorithm \(algorithm.rawValue)"), "\(out)")
        let message = Array("certledger keygen test".utf8)
        #expect(publicKey.isValidSignature(try privateKey.sign(message), for: message))

        // The system's openssl reads the private key as the same algorithm.
        let openssl = try await ProgramRun.run("/usr/bin/env", ["openssl", "pkey", "-in", keyPath, "-noout", "-text"])
        #expect(openssl.status == 0)
        #expect(openssl.output.contains(opensslName), "\(openssl.output.prefix(200))")
    }

    @Test func existingKey_isKeptUnlessForced_andAForcedKeyIsOwnerOnlyAgain() async throws {
        let folder = cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/dept"
        try await #require(try await keygen(["--out", out]).0 == 0)
        let first = try String(contentsOfFile: out + ".key", encoding: .utf8)
        let (status, _, err) = try await keygen(["--algorithm", "sm2", "--out", out])
        #expect(status == 2)
        #expect(err.contains("exists"), "\(err)")
        #expect(try String(contentsOfFile: out + ".key", encoding: .utf8) == first)

        // Someone loosened the old file's mode; --force replaces the key and closes it again.
        chmod(out + ".key", 0o644)
        #expect(try await keygen(["--algorithm", "sm2", "--out", out, "--force"]).0 == 0)
        #expect(try mode(out + ".key") == 0o600)
        let replaced = try PrivateKey(pem: try String(contentsOfFile: out + ".key", encoding: .utf8))
        #expect(replaced.algorithm == .sm2SM3)
    }

    @Test func unknownAlgorithmOrMissingOut_isUsage() async throws {
        let folder = cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, _, err) = try await keygen(["--algorithm", "rsa", "--out", folder + "/x"])
        #expect(status == 2)
        #expect(err.contains("rsa"), "\(err)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/x.key"))
        #expect(try await keygen([]).0 == 2)
    }
}

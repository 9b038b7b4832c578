import Foundation
import Testing
import LedgerCrypto

/// Interoperability with the `openssl` 3.0 command line, both ways, for every algorithm: keys OpenSSL's tools
/// write load here; OpenSSL's signatures verify here; ours verify there. SM2 uses the GM/T 0009 default ID
/// on both sides (`distid:1234567812345678`), and a signature made under another ID must not verify.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: OpenSSLCLI.executable)))
struct OpenSSLInteropTests {
    static let distID = "distid:1234567812345678"
    static let message = Array("certledger/submission/v1\n{\"kind\":\"seal.issue\",\"n\":7}".utf8)

    /// CLI arguments that sign file `msg` with private key `key` into `sig.bin`.
    static func signArguments(_ algorithm: SignatureAlgorithm, distID: String = distID) -> [String] {
        switch algorithm {
        case .ed25519:
            return ["pkeyutl", "-sign", "-rawin", "-inkey", "key", "-in", "msg", "-out", "sig.bin"]
        case .ecdsaP256SHA256:
            return ["dgst", "-sha256", "-sign", "key", "-out", "sig.bin", "msg"]
        case .sm2SM3:
            return ["dgst", "-sm3", "-sign", "key", "-sigopt", distID, "-out", "sig.bin", "msg"]
        }
    }

    /// CLI arguments that verify `sig.bin` over `msg` with public key `key.pub`.
    static func verifyArguments(_ algorithm: SignatureAlgorithm) -> [String] {
        switch algorithm {
        case .ed25519:
            return ["pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", "key.pub", "-in", "msg", "-sigfile", "sig.bin"]
        case .ecdsaP256SHA256:
            return ["dgst", "-sha256", "-verify", "key.pub", "-signature", "sig.bin", "msg"]
        case .sm2SM3:
            return ["dgst", "-sm3", "-verify", "key.pub", "-sigopt", distID, "-signature", "sig.bin", "msg"]
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func opensslGeneratedKeys_loadWithMatchingPublicKey(_ algorithm: SignatureAlgorithm) throws {
        let cli = try OpenSSLCLI()
        let (privatePEM, publicPEM) = try cli.generateKey(algorithm.rawValue, name: "key")
        let key = try PrivateKey(pem: privatePEM)
        #expect(key.algorithm == algorithm)
        let publicKey = try PublicKey(pem: publicPEM, algorithm: algorithm)
        #expect(key.publicKey == publicKey)
        // Our SPKI PEM is byte for byte what `openssl pkey -pubout` wrote.
        #expect(publicKey.pem == publicPEM)
        // And the DER is what `openssl pkey -outform DER` writes.
        try cli.succeed(["pkey", "-in", "key", "-pubout", "-outform", "DER", "-out", "key.der"])
        #expect(try cli.read("key.der") == publicKey.spkiDER)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func opensslSignature_verifiesHere(_ algorithm: SignatureAlgorithm) throws {
        let cli = try OpenSSLCLI()
        let (privatePEM, publicPEM) = try cli.generateKey(algorithm.rawValue, name: "key")
        try cli.write("msg", Self.message)
        try cli.succeed(Self.signArguments(algorithm))
        let signature = try cli.read("sig.bin")
        let publicKey = try PublicKey(pem: publicPEM, algorithm: algorithm)
        #expect(publicKey.isValidSignature(signature, for: Self.message))
        #expect(try PrivateKey(pem: privatePEM).publicKey.isValidSignature(signature, for: Self.message))
        #expect(!publicKey.isValidSignature(signature, for: Self.message + [0x0a]))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func ourSignature_verifiesWithOpenSSL(_ algorithm: SignatureAlgorithm) throws {
        let cli = try OpenSSLCLI()
        let key = try PrivateKey.generate(algorithm)
        try cli.write("key.pub", key.publicKey.pem)
        try cli.write("msg", Self.message)
        try cli.write("sig.bin", try key.sign(Self.message))
        try cli.succeed(Self.verifyArguments(algorithm))
        // The CLI is not simply saying yes: a signature over another message fails there.
        try cli.write("sig.bin", try key.sign(Self.message + [0x0a]))
        #expect(try cli.run(Self.verifyArguments(algorithm)).status != 0)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func ourPKCS8_loadsInOpenSSL_andSignsThere(_ algorithm: SignatureAlgorithm) throws {
        let cli = try OpenSSLCLI()
        let key = try PrivateKey.generate(algorithm)
        try cli.write("key", try key.pkcs8PEM())
        try cli.write("msg", Self.message)
        let publicPEM = try cli.succeed(["pkey", "-in", "key", "-pubout"])
        #expect(publicPEM == key.publicKey.pem)
        try cli.succeed(Self.signArguments(algorithm))
        #expect(key.publicKey.isValidSignature(try cli.read("sig.bin"), for: Self.message))
    }

    @Test func sm2SignatureUnderAnotherID_doesNotVerify() throws {
        let cli = try OpenSSLCLI()
        let (_, publicPEM) = try cli.generateKey("sm2-sm3", name: "key")
        let publicKey = try PublicKey(pem: publicPEM, algorithm: .sm2SM3)
        try cli.write("msg", Self.message)
        try cli.succeed(Self.signArguments(.sm2SM3, distID: "distid:1234567812345679"))
        #expect(!publicKey.isValidSignature(try cli.read("sig.bin"), for: Self.message))
        // OpenSSL 3.0's own default (no ID given) is the empty ID, which is not the GM/T default either.
        try cli.succeed(["dgst", "-sm3", "-sign", "key", "-out", "sig.bin", "msg"])
        #expect(!publicKey.isValidSignature(try cli.read("sig.bin"), for: Self.message))
        // The same key with the right ID does verify: the failures above are the ID's doing.
        try cli.succeed(Self.signArguments(.sm2SM3))
        #expect(publicKey.isValidSignature(try cli.read("sig.bin"), for: Self.message))
    }

    @Test func sm2PKeyUtlSignature_verifiesHere() throws {
        let cli = try OpenSSLCLI()
        let (_, publicPEM) = try cli.generateKey("sm2-sm3", name: "key")
        try cli.write("msg", Self.message)
        try cli.succeed(["pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", "key",
                         "-pkeyopt", Self.distID, "-in", "msg", "-out", "sig.bin"])
        let publicKey = try PublicKey(pem: publicPEM, algorithm: .sm2SM3)
        #expect(publicKey.isValidSignature(try cli.read("sig.bin"), for: Self.message))
    }

    @Test(arguments: ["rsa", "p384"])
    func unsupportedOpenSSLKeys_throwTypedErrors(_ kind: String) throws {
        let cli = try OpenSSLCLI()
        let (privatePEM, publicPEM) = try cli.generateKey(kind, name: "key")
        #expect(code { _ = try PrivateKey(pem: privatePEM) } == .unsupportedAlgorithm)
        #expect(code { _ = try PublicKey(pem: publicPEM) } == .unsupportedAlgorithm)
        for algorithm in SignatureAlgorithm.allCases {
            #expect(code { _ = try PrivateKey(pem: privatePEM, algorithm: algorithm) } == .wrongKeyType)
            #expect(code { _ = try PublicKey(pem: publicPEM, algorithm: algorithm) } == .wrongKeyType)
        }
    }

    @Test func encryptedPKCS8_isRefusedWithoutPrompting() throws {
        let cli = try OpenSSLCLI()
        try cli.succeed(["genpkey", "-algorithm", "ED25519", "-aes-256-cbc", "-pass", "pass:secret", "-out", "key"])
        let pem = try cli.readText("key")
        #expect(pem.contains("ENCRYPTED PRIVATE KEY"))
        #expect(code { _ = try PrivateKey(pem: pem) } == .malformedKey)
    }
}

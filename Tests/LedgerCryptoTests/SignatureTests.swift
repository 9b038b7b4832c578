import Testing
@testable import LedgerCrypto

/// Sign/verify behaviour of every algorithm of DESIGN.md §3 through `PrivateKey` / `PublicKey`.
@Suite struct SignatureTests {
    static let message = Array("certledger/submission/v1\n{\"kind\":\"license.issue\"}".utf8)

    @Test(arguments: SignatureAlgorithm.allCases)
    func signThenVerify_acceptsOwnSignature(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        #expect(key.algorithm == algorithm)
        #expect(key.publicKey.algorithm == algorithm)
        let signature = try key.sign(Self.message)
        #expect(key.publicKey.isValidSignature(signature, for: Self.message))
        if algorithm == .ed25519 {
            #expect(signature.count == 64)
        } else {
            // DER SEQUENCE of two INTEGERs of at most 33 bytes each.
            #expect(signature.first == 0x30)
            #expect((8...72).contains(signature.count))
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func emptyMessage_signsAndVerifies(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let signature = try key.sign([])
        #expect(key.publicKey.isValidSignature(signature, for: []))
        #expect(!key.publicKey.isValidSignature(signature, for: [0]))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func tamperedMessage_isRejected(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let signature = try key.sign(Self.message)
        for index in [0, Self.message.count / 2, Self.message.count - 1] {
            var tampered = Self.message
            tampered[index] ^= 0x01
            #expect(!key.publicKey.isValidSignature(signature, for: tampered), "bit flipped at \(index)")
        }
        #expect(!key.publicKey.isValidSignature(signature, for: Self.message + [0]))
        #expect(!key.publicKey.isValidSignature(signature, for: Array(Self.message.dropLast())))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func tamperedSignature_isRejected(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let signature = try key.sign(Self.message)
        for index in signature.indices {
            var tampered = signature
            tampered[index] ^= 0x80
            #expect(!key.publicKey.isValidSignature(tampered, for: Self.message), "byte \(index) flipped")
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func truncatedOrEmptySignature_isRejected(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let signature = try key.sign(Self.message)
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: Self.message))
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(signature.count / 2)), for: Self.message))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: Self.message))
        #expect(!key.publicKey.isValidSignature([], for: Self.message))
        #expect(!key.publicKey.isValidSignature([], for: []))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func signatureOfAnotherKey_isRejected(_ algorithm: SignatureAlgorithm) throws {
        let signer = try PrivateKey.generate(algorithm)
        let other = try PrivateKey.generate(algorithm)
        let signature = try signer.sign(Self.message)
        #expect(!other.publicKey.isValidSignature(signature, for: Self.message))
        #expect(signer.publicKey != other.publicKey)
        #expect(signer.publicKey.keyID != other.publicKey.keyID)
    }

    @Test func signatureOfAnotherAlgorithm_isRejected() throws {
        let p256 = try PrivateKey.generate(.ecdsaP256SHA256)
        let sm2 = try PrivateKey.generate(.sm2SM3)
        // Both produce DER ECDSA-shaped signatures; neither may pass for the other's.
        let fromP256 = try p256.sign(Self.message)
        let fromSM2 = try sm2.sign(Self.message)
        #expect(!sm2.publicKey.isValidSignature(fromP256, for: Self.message))
        #expect(!p256.publicKey.isValidSignature(fromSM2, for: Self.message))
    }

    @Test func ed25519_isDeterministic_andEC_isRandomised() throws {
        let ed = try PrivateKey.generate(.ed25519)
        #expect(try ed.sign(Self.message) == ed.sign(Self.message))
        for algorithm in [SignatureAlgorithm.ecdsaP256SHA256, .sm2SM3] {
            let key = try PrivateKey.generate(algorithm)
            #expect(try key.sign(Self.message) != key.sign(Self.message))
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func rejectedSignatures_doNotPoisonLaterVerifications(_ algorithm: SignatureAlgorithm) throws {
        // Verification contexts may be reused (ECDSA); a garbage signature must not leave one unusable or
        // leave errors behind that flip a later answer.
        let key = try PrivateKey.generate(algorithm)
        let signature = try key.sign(Self.message)
        let garbage: [[UInt8]] = [[], [0x30], [0x30, 0x02, 0x02, 0x01], [UInt8](repeating: 0xff, count: 72),
                                  Array(signature.reversed())]
        for _ in 0..<3 {
            for bad in garbage {
                #expect(!key.publicKey.isValidSignature(bad, for: Self.message))
                #expect(key.publicKey.isValidSignature(signature, for: Self.message))
            }
            #expect(key.publicKey.isValidSignature(try key.sign(Self.message), for: Self.message))
        }
    }
}

/// The pooled ECDSA path (hash, then `EVP_PKEY_sign`/`verify`) against the generic `EVP_DigestSign` path:
/// each must accept what the other signs, so neither can drift from FIPS 186-4 ECDSA with SHA-256.
@Suite struct ECDSAPathTests {
    @Test func pooledAndDigestSignPaths_acceptEachOthersSignatures() throws {
        let key = try PrivateKey.generate(.ecdsaP256SHA256)
        for length in [0, 1, 20, 55, 64, 1000] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13) }
            let pooled = try key.sign(message)
            let viaDigestVerify = try SignatureContext()
                .verify(pooled, message: message, key: key.publicKey.pkey, algorithm: .ecdsaP256SHA256)
            #expect(viaDigestVerify)
            let generic = try SignatureContext().sign(message, key: key.pkey, algorithm: .ecdsaP256SHA256)
            #expect(key.publicKey.isValidSignature(generic, for: message))
            #expect(!key.publicKey.isValidSignature(generic, for: message + [1]))
        }
    }
}

import Testing
import LedgerCrypto

/// Key formats: PKCS#8 / SPKI PEM, DER, raw keys, Ed25519 seeds, key IDs, and the typed errors for bad input.
@Suite struct KeyEncodingTests {
    // RFC 8032 §7.1, TEST 1.
    static let rfc8032Seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    static let rfc8032Public = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    static let rfc8032Signature = hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
        + "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")

    static func hex(_ text: String) -> [UInt8] { Hex.decode(text) ?? [] }

    @Test func ed25519Seed_matchesRFC8032Test1() throws {
        let key = try PrivateKey(ed25519Seed: Self.rfc8032Seed)
        #expect(key.publicKey.rawBytes == Self.rfc8032Public)
        #expect(try key.sign([]) == Self.rfc8032Signature)
        #expect(try key.ed25519Seed == Self.rfc8032Seed)
        let verifier = try PublicKey(raw: Self.rfc8032Public, algorithm: .ed25519)
        #expect(verifier.isValidSignature(Self.rfc8032Signature, for: []))
    }

    @Test func keyID_isSHA256OfSPKI_truncatedTo16Bytes() throws {
        let key = try PublicKey(raw: Self.rfc8032Public, algorithm: .ed25519)
        // sha256sum of the 44-byte SPKI, computed with coreutils.
        #expect(key.keyID == "06e3fd8fda29bb60ab59557de61edb0a")
        #expect(key.pem == "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
            + "-----END PUBLIC KEY-----\n")
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func keyID_isStableAcrossEncodings(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm).publicKey
        let fromPEM = try PublicKey(pem: key.pem)
        let fromDER = try PublicKey(spkiDER: key.spkiDER, algorithm: algorithm)
        let fromRaw = try PublicKey(raw: key.rawBytes, algorithm: algorithm)
        for other in [fromPEM, fromDER, fromRaw] {
            #expect(other == key)
            #expect(other.keyID == key.keyID)
            #expect(other.keyID.count == 32)
            #expect(other.keyID.allSatisfy { "0123456789abcdef".contains($0) })
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func privateKeyPEM_roundTrips(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let pem = try key.pkcs8PEM()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let again = try PrivateKey(pem: pem, algorithm: algorithm)
        #expect(again.algorithm == algorithm)
        #expect(again.publicKey == key.publicKey)
        #expect(try again.pkcs8PEM() == pem)
        // The reloaded key signs for the original public key.
        let message = Array("round trip".utf8)
        #expect(key.publicKey.isValidSignature(try again.sign(message), for: message))
        // Without a requested algorithm the key's own is detected.
        #expect(try PrivateKey(pem: pem).algorithm == algorithm)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func publicKeyPEM_roundTrips(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm).publicKey
        #expect(key.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        let again = try PublicKey(pem: key.pem, algorithm: algorithm)
        #expect(again == key)
        #expect(again.pem == key.pem)
        #expect(again.spkiDER == key.spkiDER)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func rawPublicKey_roundTrips_withDocumentedLength(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm).publicKey
        #expect(key.rawBytes.count == (algorithm == .ed25519 ? 32 : 65))
        if algorithm != .ed25519 { #expect(key.rawBytes.first == 0x04) }
        let again = try PublicKey(raw: key.rawBytes, algorithm: algorithm)
        #expect(again == key)
        #expect(again.rawBytes == key.rawBytes)
        #expect(key.spkiDER.suffix(key.rawBytes.count).elementsEqual(key.rawBytes))
    }

    @Test func ed25519Seed_roundTrips_andIsRefusedForOtherAlgorithms() throws {
        let key = try PrivateKey.generate(.ed25519)
        let seed = try key.ed25519Seed
        #expect(seed.count == 32)
        #expect(try PrivateKey(ed25519Seed: seed).publicKey == key.publicKey)
        for algorithm in [SignatureAlgorithm.ecdsaP256SHA256, .sm2SM3] {
            let other = try PrivateKey.generate(algorithm)
            #expect(throws: CryptoError.self) { _ = try other.ed25519Seed }
            #expect(code { _ = try other.ed25519Seed } == .wrongKeyType)
        }
        #expect(code { _ = try PrivateKey(ed25519Seed: Array(seed.prefix(31))) } == .malformedKey)
        #expect(code { _ = try PrivateKey(ed25519Seed: seed + [0]) } == .malformedKey)
    }

    @Test func wrongTypePEM_throwsWrongKeyType() throws {
        var pems: [SignatureAlgorithm: (String, String)] = [:]
        for algorithm in SignatureAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            pems[algorithm] = (try key.pkcs8PEM(), key.publicKey.pem)
        }
        for have in SignatureAlgorithm.allCases {
            for want in SignatureAlgorithm.allCases where want != have {
                let (privatePEM, publicPEM) = try #require(pems[have])
                #expect(code { _ = try PrivateKey(pem: privatePEM, algorithm: want) } == .wrongKeyType,
                        "\(have) private key requested as \(want)")
                #expect(code { _ = try PublicKey(pem: publicPEM, algorithm: want) } == .wrongKeyType,
                        "\(have) public key requested as \(want)")
            }
        }
    }

    @Test func garbagePEM_throwsMalformedKey() throws {
        let key = try PrivateKey.generate(.ecdsaP256SHA256)
        let pem = try key.pkcs8PEM()
        var lines = pem.split(separator: "\n").map(String.init)
        lines[1] = String(lines[1].dropFirst(8))  // corrupt the DER inside
        let corrupted = lines.joined(separator: "\n") + "\n"
        for garbage in ["", "not a key", "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", corrupted] {
            #expect(code { _ = try PrivateKey(pem: garbage) } == .malformedKey, "\(garbage)")
            #expect(code { _ = try PublicKey(pem: garbage) } == .malformedKey, "\(garbage)")
        }
        // A public key is not a private key, and vice versa.
        #expect(code { _ = try PrivateKey(pem: key.publicKey.pem) } == .malformedKey)
        #expect(code { _ = try PublicKey(pem: pem) } == .malformedKey)
    }

    @Test func malformedSPKI_throwsMalformedKey() throws {
        let key = try PrivateKey.generate(.sm2SM3).publicKey
        #expect(code { _ = try PublicKey(spkiDER: []) } == .malformedKey)
        #expect(code { _ = try PublicKey(spkiDER: key.spkiDER + [0]) } == .malformedKey)
        #expect(code { _ = try PublicKey(spkiDER: Array(key.spkiDER.dropLast())) } == .malformedKey)
    }

    @Test(arguments: [SignatureAlgorithm.ecdsaP256SHA256, .sm2SM3])
    func rawECPoint_offCurveOrCompressed_throwsMalformedKey(_ algorithm: SignatureAlgorithm) throws {
        let raw = try PrivateKey.generate(algorithm).publicKey.rawBytes
        var offCurve = raw
        offCurve[64] ^= 0x01  // y changed: no longer on the curve
        #expect(code { _ = try PublicKey(raw: offCurve, algorithm: algorithm) } == .malformedKey)
        var compressed = Array(raw.prefix(33))
        compressed[0] = 0x02 | (raw[64] & 1)
        #expect(code { _ = try PublicKey(raw: compressed, algorithm: algorithm) } == .malformedKey)
        var wrongTag = raw
        wrongTag[0] = 0x05
        #expect(code { _ = try PublicKey(raw: wrongTag, algorithm: algorithm) } == .malformedKey)
        let zeros = [UInt8](repeating: 0, count: 65)
        #expect(code { _ = try PublicKey(raw: zeros, algorithm: algorithm) } == .malformedKey)
    }

    @Test func rawEd25519_wrongLength_throwsMalformedKey() {
        let short = Array(Self.rfc8032Public.dropLast())
        #expect(code { _ = try PublicKey(raw: short, algorithm: .ed25519) } == .malformedKey)
        #expect(code { _ = try PublicKey(raw: [], algorithm: .ed25519) } == .malformedKey)
    }
}

/// The code of the `CryptoError` thrown by `body`, or nil when it does not throw one.
func code(_ body: () throws -> Void) -> CryptoError.Code? {
    do {
        try body()
        return nil
    } catch let error as CryptoError {
        return error.code
    } catch {
        return nil
    }
}

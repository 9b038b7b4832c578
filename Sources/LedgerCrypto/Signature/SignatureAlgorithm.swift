internal import COpenSSL

/// The submission signature algorithms of DESIGN.md §3, spelled as they appear in a department's key record.
///
/// - `ed25519`: RFC 8032 Ed25519 (pure, no pre-hash); 64-byte raw signatures.
/// - `ecdsaP256SHA256`: FIPS 186-4 ECDSA on P-256 (SEC 2 secp256r1) with SHA-256; DER `ECDSA-Sig-Value`
///   signatures (RFC 5480 §2.2 / RFC 3279 §2.2.3).
/// - `sm2SM3`: GM/T 0003.2-2012 (GB/T 32918.2) SM2 signatures with SM3 and the default distinguishing ID
///   `1234567812345678` (GM/T 0009-2012 §10); DER signatures.
public enum SignatureAlgorithm: String, Sendable, Codable, CaseIterable {
    case ed25519 = "ed25519"
    case ecdsaP256SHA256 = "ecdsa-p256-sha256"
    case sm2SM3 = "sm2-sm3"
}

extension SignatureAlgorithm {
    /// The OpenSSL 3 key type used to generate keys (`EVP_PKEY_CTX_new_from_name`). SM2 keys must be of the
    /// `SM2` type, not `EC` on the SM2 curve: only an `SM2` key gets the SM2 signature scheme.
    var keyTypeName: String {
        switch self {
        case .ed25519: return "ED25519"
        case .ecdsaP256SHA256: return "EC"
        case .sm2SM3: return "SM2"
        }
    }

    /// The curve to generate on, where the key type has more than one.
    var groupName: String? {
        switch self {
        case .ed25519: return nil
        case .ecdsaP256SHA256: return "P-256"
        case .sm2SM3: return "SM2"
        }
    }

    /// Length of the raw public key: RFC 8032 §5.1.5 for Ed25519, SEC 1 §2.3.3 uncompressed point otherwise.
    var rawPublicKeyLength: Int {
        self == .ed25519 ? 32 : 65
    }

    /// The fixed DER prefix of this algorithm's SubjectPublicKeyInfo, up to and including the BIT STRING's
    /// unused-bits octet (RFC 8410 §4 for Ed25519; RFC 5480 §2 with id-ecPublicKey and the named curve
    /// prime256v1 or SM2 `1.2.156.10197.1.301` otherwise). Followed by exactly the raw public key.
    var spkiPrefix: [UInt8] {
        switch self {
        case .ed25519:
            return [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
        case .ecdsaP256SHA256:
            return [0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00]
        case .sm2SM3:
            return [0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                    0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, 0x03, 0x42, 0x00]
        }
    }

    /// The GM/T 0009-2012 default user ID. OpenSSL 3.0 would otherwise sign with an empty ID, which no other
    /// SM2 implementation accepts, so it is set explicitly on both sides.
    static let sm2DistinguishingID: [UInt8] = Array("1234567812345678".utf8)

    /// Identifies which of our algorithms an `EVP_PKEY` belongs to, or nil for any other key (RSA, P-384, …).
    /// OpenSSL 3 decodes keys on the SM2 curve as type `SM2`, so that test comes before the generic `EC` one;
    /// an `EC` key must also be on P-256.
    init?(pkey: OpaquePointer) {
        if EVP_PKEY_is_a(pkey, "ED25519") == 1 {
            self = .ed25519
        } else if EVP_PKEY_is_a(pkey, "SM2") == 1 {
            self = .sm2SM3
        } else if EVP_PKEY_is_a(pkey, "EC") == 1, Self.groupName(of: pkey) == "prime256v1" {
            self = .ecdsaP256SHA256
        } else {
            return nil
        }
    }

    /// The short curve name OpenSSL gives an EC key (`prime256v1`, `SM2`, …).
    private static func groupName(of pkey: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(pkey, &buffer, buffer.count, &length) == 1 else {
            ERR_clear_error()
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A short description of a key OpenSSL loaded but we do not support, for error messages.
    static func describe(pkey: OpaquePointer) -> String {
        if let name = EVP_PKEY_get0_type_name(pkey) {
            let type = String(cString: name)
            if let group = groupName(of: pkey) { return "\(type) on curve \(group)" }
            return type
        }
        return "unknown key type"
    }
}

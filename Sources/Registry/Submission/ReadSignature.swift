public import LedgerCrypto

/// A department's signature over a read request, for ledgers whose look-ups and verification are served to
/// registered departments only (`readAccess: departments`). Four headers carry it:
///
///     CertLedger-Department: xm-ggzy
///     CertLedger-Key-Id:     <the signing key's ID>
///     CertLedger-Time:       <Unix seconds, UTC>
///     CertLedger-Signature:  <standard base64 of the signature>
///
/// over `"certledger/read/v1\n" ‖ METHOD "\n" ‖ request-target "\n" ‖ time "\n" ‖ hex(SHA-256(body)) "\n"`. The
/// prefix keeps these signatures apart from submissions signed by the same key; the body digest binds a verify
/// question to its signature; the time bounds replay to the server's allowed skew. The request target is the
/// path and query exactly as sent (a proxy in front must not rewrite it).
public enum ReadSignature {
    public static let prefix = "certledger/read/v1\n"
    public static let departmentHeader = "CertLedger-Department"
    public static let keyIdHeader = "CertLedger-Key-Id"
    public static let timeHeader = "CertLedger-Time"
    public static let signatureHeader = "CertLedger-Signature"
    /// Most seconds a request's time may differ from the server's clock.
    public static let maxSkewSeconds: Int64 = 300

    /// The bytes a department signs for this request.
    public static func signingInput(method: String, target: String, time: Int64, body: [UInt8]) -> [UInt8] {
        let digest = HashAlgorithm.sha256.hash(body).hex
        return Array((prefix + method.uppercased() + "\n" + target + "\n" + String(time) + "\n" + digest + "\n").utf8)
    }

    /// The four headers that sign a request as `department` with `key` at `time`.
    public static func headers(department: DepartmentID, key: PrivateKey, method: String, target: String,
                               time: Int64, body: [UInt8]) throws -> [(String, String)] {
        let signature = try key.sign(signingInput(method: method, target: target, time: time, body: body))
        return [(departmentHeader, department.value), (keyIdHeader, key.publicKey.keyID),
                (timeHeader, String(time)), (signatureHeader, Base64.encode(signature))]
    }

    /// Checks a signed read request against the registry's current key of the department: the department must
    /// be registered and not retired, the key current, the time within the skew, the signature valid.
    public static func check(department: String, keyId: String, time: String, signature: String, method: String,
                             target: String, body: [UInt8], now: Int64,
                             registry: Registry) throws(RegistryError) -> DepartmentID {
        let id = try DepartmentID(validating: department)
        let key = try KeyID(validating: keyId)
        guard let seconds = Int64(time), abs(seconds - now) <= maxSkewSeconds else {
            throw RegistryError(.badSignature, field: timeHeader, "the request time \(time) is not within "
                                + "\(maxSkewSeconds) s of the server's clock (\(now))")
        }
        guard let raw = Base64.decode(signature), (1...Submission.maxSignatureBytes).contains(raw.count) else {
            throw RegistryError(.badSignature, field: signatureHeader, "not standard padded base64 of 1–"
                                + "\(Submission.maxSignatureBytes) bytes")
        }
        let publicKey = try registry.read { state throws(RegistryError) -> PublicKey in
            guard let found = state.department(id) else {
                throw RegistryError(.badSignature, field: departmentHeader, "no department \(id) is registered")
            }
            if let retired = found.retiredAt {
                throw RegistryError(.forbidden, field: departmentHeader, "department \(id) retired at index \(retired)")
            }
            guard let current = found.currentKey(key, at: state.size) else {
                throw RegistryError(.badSignature, field: keyIdHeader, "\(key) is not a current key of \(id)")
            }
            return current
        }
        guard publicKey.isValidSignature(raw, for: signingInput(method: method, target: target, time: seconds,
                                                                 body: body)) else {
            throw RegistryError(.badSignature, field: signatureHeader,
                                "the request signature does not verify with key \(key) of \(id)")
        }
        return id
    }
}

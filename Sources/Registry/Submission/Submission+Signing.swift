public import CanonicalJSON
public import LedgerCrypto

extension Submission {
    /// Builds and signs a submission (DESIGN.md §3) with a department key; the key ID is the key's own.
    ///
    /// The result goes through the same checks as a received submission, so a department can never sign
    /// something the ledger would refuse for its shape or size.
    ///
    /// - Throws: `RegistryError` when `record` does not fit `kind` or fails validation, or the submission is too
    ///   large; `CryptoError` when OpenSSL cannot sign.
    public static func sign(kind: SubmissionKind, department: DepartmentID, key: PrivateKey, nonce: Nonce,
                            record: some RecordBody, usccExceptions: Set<String> = []) throws -> Submission {
        let recordType = type(of: record)
        guard recordType.kinds.contains(kind) else {
            throw RegistryError(.invalid, field: "kind", "a \(recordType) is not the record of \(kind.rawValue)")
        }
        let recordJSON: JSONValue
        do {
            recordJSON = try CanonicalJSONEncoder().encodeValue(record)
        } catch {
            throw RegistryError(error, prefix: "record")
        }
        return try sign(kind: kind, department: department, key: key, nonce: nonce, recordJSON: recordJSON,
                        usccExceptions: usccExceptions)
    }

    /// Whether `signature` is `key`'s signature over `signingInput`. A key with another ID than `keyId` never
    /// verifies: the submission names the one key that may have signed it. A bad signature is an answer, not an
    /// error.
    public func verifySignature(with key: PublicKey) -> Bool {
        isKeyNamed(key) && key.isValidSignature(signature, for: signingInput)
    }

    /// Whether `key` is the key this submission names (its ID is `keyId`).
    func isKeyNamed(_ key: PublicKey) -> Bool {
        key.keyID == keyId.value
    }
}

extension Submission {
    /// Signs a record given as JSON (a file a clerk's system produced, `certledger submit`): the record is decoded
    /// and validated for `kind` exactly as the ledger will, so a malformed record fails here, naming its field,
    /// before anything is signed or sent.
    public static func sign(kind: SubmissionKind, department: DepartmentID, key: PrivateKey, nonce: Nonce,
                            recordJSON: JSONValue, usccExceptions: Set<String> = []) throws -> Submission {
        _ = try Record.decode(kind: kind, from: recordJSON, usccExceptions: usccExceptions, at: "record")
        let unsigned: JSONValue = .object([
            "kind": .string(kind.rawValue),
            "department": .string(department.value),
            "keyId": .string(key.publicKey.keyID),
            "nonce": .string(nonce.value),
            "record": recordJSON,
        ])
        let signature = try key.sign(signingInput(unsigned))
        var members = unsigned.objectValue ?? [:]
        members["signature"] = .string(Base64.encode(signature))
        return try Submission(json: .object(members), usccExceptions: usccExceptions)
    }
}

public import LedgerCrypto

extension RegistryState {
    /// Applies the submission of the entry at `index` (which must be the next one), or throws why the state
    /// forbids it and changes nothing. Checks, in order: the entry's place (genesis first and only first), an
    /// exact re-send (`duplicate`, with the original index), the department, key and role (`signingKey`), a
    /// reused nonce, then the rules of the kind (DESIGN.md §4). The signature is the caller's to verify.
    public mutating func apply(_ submission: Submission, at index: UInt64) throws(RegistryError) {
        let digest = HashAlgorithm.sha256.hash(submission.canonicalBytes)
        try apply(submission, digest: digest, at: index)
    }

    /// `apply` with the SHA-256 of the canonical submission already computed. `signingKeyChecked`: the caller has
    /// just had `signingKey(for:at:)` of this state accept this submission at `index` (the audit asks it for the key
    /// to verify the signature with), so it is not asked twice; a failing key check then precedes the `duplicate`
    /// check, as it already did in such a caller.
    mutating func apply(_ submission: Submission, digest: Hash256, at index: UInt64,
                        signingKeyChecked: Bool = false) throws(RegistryError) {
        guard index == size else {
            throw RegistryError(.conflict, "entry \(index) cannot be applied to a state of \(size) entries")
        }
        let nonceKey = Self.nonceKey(submission.department, submission.nonce)
        let used = nonces[nonceKey]
        if let used, used.digest == digest {
            throw RegistryError(.duplicate, field: "nonce", "this submission is already in the log at index "
                                + "\(used.index)", index: used.index)
        }
        if !signingKeyChecked { _ = try signingKey(for: submission, at: index) }
        if let used {
            throw RegistryError(.conflict, field: "nonce", "nonce \(submission.nonce) of \(submission.department) "
                                + "was used by another submission at index \(used.index)")
        }
        switch submission.record {
        case .ledgerGenesis(let record): try applyGenesis(record, submission, at: index)
        case .departmentRegister(let record): try applyRegister(record, at: index)
        case .departmentRotateKey(let record): try applyRotation(record, at: index)
        case .departmentRetire(let record): try applyRetirement(record, at: index)
        case .witnessPolicy(let record): try applyWitnessPolicy(record, at: index)
        case .licenseIssue(let record): try applyLicenseIssue(record, at: index)
        case .licenseAmend(let record): try applyLicenseAmend(record, at: index)
        case .licenseRevoke(let record): try applyLicenseEnd(record, status: .revoked, at: index)
        case .licenseCancel(let record): try applyLicenseEnd(record, status: .cancelled, at: index)
        case .sealIssue(let record): try applySealIssue(record, at: index)
        case .sealRevoke(let record): try applySealRevoke(record, at: index)
        case .linkShare(let record): try applyLink(record, by: submission.department, at: index)
        }
        willChange(.nonce(nonceKey))
        nonces[nonceKey] = NonceRecord(index: index, digest: digest)
        size = index + 1
    }

    /// The key that must have signed `submission` for it to be the entry at `index`, after checking that the
    /// department exists and is not retired, that `keyId` is one of its keys current at `index`, and that a role
    /// allows the kind. Entry 0 is the genesis, signed by the operator key it names itself.
    public func signingKey(for submission: Submission, at index: UInt64) throws(RegistryError) -> PublicKey {
        if case .ledgerGenesis(let genesis) = submission.record {
            guard index == 0, parameters == nil else {
                throw RegistryError(.conflict, field: "kind", "ledger.genesis is entry 0 and only entry 0; this "
                                    + "ledger's genesis is already in the log")
            }
            guard submission.keyId == genesis.operatorKey.keyId else {
                throw RegistryError(.badSignature, field: "keyId", "the genesis is signed by the operator key it "
                                    + "names (\(genesis.operatorKey.keyId)), not by \(submission.keyId)")
            }
            return try genesis.operatorKey.loadPublicKey(at: "record.operatorKey")
        }
        guard parameters != nil else {
            throw RegistryError(.conflict, field: "kind", "entry 0 must be ledger.genesis, found \(submission.kind)")
        }
        guard let department = departments[submission.department.value] else {
            throw RegistryError(.badSignature, field: "department",
                                "no department \(submission.department) is registered: its key is unknown")
        }
        if let retired = department.retiredAt {
            throw RegistryError(.forbidden, field: "department",
                                "department \(department.id) retired at index \(retired)")
        }
        guard let key = department.currentKey(submission.keyId, at: index) else {
            let current = department.currentKeyIDs(at: index).joined(separator: ", ")
            let why = department.keys[submission.keyId.value] == nil ? "is not a key of" : "was rotated out of"
            throw RegistryError(.badSignature, field: "keyId",
                                "key \(submission.keyId) \(why) \(department.id); its current keys: \(current)")
        }
        var linkKind: LinkKind?
        // The kind first: matching on the record would copy it, for every entry.
        if submission.kind == .linkShare, case .linkShare(let link) = submission.record { linkKind = link.linkKind }
        guard department.allows(submission.kind, linkKind: linkKind) else {
            let needed = linkKind.map { "role link:\($0)" } ?? "a role allowing \(submission.kind)"
            throw RegistryError(.forbidden, field: "kind", "\(department.id) has roles "
                                + department.roles.map(\.value).sorted().joined(separator: ", ")
                                + "; \(submission.kind) needs \(needed)")
        }
        return key
    }

    private mutating func applyGenesis(_ record: GenesisRecord, _ submission: Submission,
                                       at index: UInt64) throws(RegistryError) {
        let operatorKey = try record.operatorKey.loadPublicKey(at: "record.operatorKey")
        let receiptKey = try record.receiptKey.loadPublicKey(at: "record.receiptKey")
        willChange(.parameters)
        parameters = LedgerParameters(genesis: record, operatorDepartment: submission.department,
                                      receiptKey: receiptKey, usccExceptions: Set(record.usccExceptions))
        let span = DepartmentState.KeySpan(key: operatorKey, validFrom: 0, validThrough: nil)
        willChange(.department(submission.department.value))
        departments[submission.department.value] = DepartmentState(
            id: submission.department, nameZh: "账本运营方", nameEn: "Ledger operator", roles: [.operator],
            keys: [record.operatorKey.keyId.value: span], registeredAt: index, retiredAt: nil)
    }

    private mutating func applyRegister(_ record: DepartmentRegisterRecord, at index: UInt64) throws(RegistryError) {
        if let existing = departments[record.id.value] {
            throw RegistryError(.conflict, field: "record.id", "department \(record.id) was registered at index "
                                + "\(existing.registeredAt); a department id is never reused")
        }
        if record.roles.contains(.operator) {
            throw RegistryError(.forbidden, field: "record.roles",
                                "the operator role belongs to the department named by the genesis alone")
        }
        var keys: [String: DepartmentState.KeySpan] = [:]
        for (position, key) in record.keys.enumerated() {
            let publicKey = try key.loadPublicKey(at: "record.keys[\(position)]")
            keys[key.keyId.value] = DepartmentState.KeySpan(key: publicKey, validFrom: index + 1, validThrough: nil)
        }
        willChange(.department(record.id.value))
        departments[record.id.value] = DepartmentState(
            id: record.id, nameZh: record.nameZh, nameEn: record.nameEn, roles: Set(record.roles), keys: keys,
            registeredAt: index, retiredAt: nil)
    }

    private mutating func applyRotation(_ record: DepartmentRotateKeyRecord, at index: UInt64) throws(RegistryError) {
        var department = try activeDepartment(record.department, field: "record.department")
        guard department.keys[record.newKey.keyId.value] == nil else {
            throw RegistryError(.conflict, field: "record.newKey.keyId",
                                "key \(record.newKey.keyId) already belongs to \(record.department); keys are not reused")
        }
        for (position, keyId) in record.retireKeyIds.enumerated()
        where department.keys[keyId.value]?.isCurrent(at: index) != true {
            throw RegistryError(.conflict, field: "record.retireKeyIds[\(position)]",
                                "\(keyId) is not a current key of \(record.department)")
        }
        let current = department.currentKeyIDs(at: index).count + 1 - record.retireKeyIds.count
        guard current <= RecordLimits.keysPerDepartment.upperBound else {
            throw RegistryError(.conflict, field: "record.newKey", "\(record.department) would have \(current) "
                                + "current keys; at most \(RecordLimits.keysPerDepartment.upperBound)")
        }
        let newKey = try record.newKey.loadPublicKey(at: "record.newKey")
        for keyId in record.retireKeyIds { department.keys[keyId.value]?.validThrough = index }
        department.keys[record.newKey.keyId.value] = DepartmentState.KeySpan(key: newKey, validFrom: index + 1,
                                                                             validThrough: nil)
        willChange(.department(record.department.value))
        departments[record.department.value] = department
    }

    private mutating func applyRetirement(_ record: DepartmentRetireRecord, at index: UInt64) throws(RegistryError) {
        var department = try activeDepartment(record.department, field: "record.department")
        guard record.department != parameters?.operatorDepartment else {
            throw RegistryError(.conflict, field: "record.department",
                                "the operator department \(record.department) cannot retire: the ledger needs it")
        }
        department.retiredAt = index
        willChange(.department(record.department.value))
        departments[record.department.value] = department
    }

    /// A new witness policy replaces the latest; its `policyPrev` must name that one (null for the first).
    private mutating func applyWitnessPolicy(_ record: WitnessPolicyRecord, at index: UInt64) throws(RegistryError) {
        let latest = witnessPolicy?.index
        guard record.policyPrev == latest else {
            let found = record.policyPrev.map(String.init) ?? "null"
            throw RegistryError(.conflict, field: "record.policyPrev", latest.map {
                "the latest witness.policy entry is at index \($0); policyPrev must be \($0), found \(found)"
            } ?? "the log has no witness.policy entry yet; policyPrev must be null, found \(found)")
        }
        willChange(.witnessPolicy)
        witnessPolicy = WitnessPolicyEntry(index: index, record: record)
    }

    /// A registered, not retired department, or the reason why not.
    func activeDepartment(_ id: DepartmentID, field: String) throws(RegistryError) -> DepartmentState {
        guard let department = departments[id.value] else {
            throw RegistryError(.notFound, field: field, "no department \(id) is registered")
        }
        if let retired = department.retiredAt {
            throw RegistryError(.conflict, field: field, "department \(id) retired at index \(retired)")
        }
        return department
    }
}

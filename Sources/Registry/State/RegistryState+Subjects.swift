extension RegistryState {
    /// `license.issue`: one live license per USCC; the first issue of a USCC has `subjectPrev` null, a new issue
    /// after an ended license names the entry that ended it.
    mutating func applyLicenseIssue(_ record: LicenseRecord, at index: UInt64) throws(RegistryError) {
        let existing = licenses[record.uscc.value]
        if let existing, existing.status == .live {
            throw RegistryError(.conflict, field: "record.uscc", "\(record.uscc) already holds a live license "
                                + "(version \(existing.version), entry \(existing.currentIndex))")
        }
        try Self.checkSubjectPrev(record.subjectPrev, expected: existing?.lastIndex, subject: "license \(record.uscc)")
        willChange(.license(record.uscc.value))
        licenses[record.uscc.value] = LicenseState(
            uscc: record.uscc, status: .live, version: 1, currentIndex: index, document: record.document,
            termEnd: record.businessTerm.to, endIndex: nil, endEffectiveOn: nil,
            history: Self.history(existing?.history, then: index))
        indexDocument(record, at: index)
    }

    /// `license.amend`: only a live license, `subjectPrev` its last entry, `version` one more than the current.
    mutating func applyLicenseAmend(_ record: LicenseRecord, at index: UInt64) throws(RegistryError) {
        var license = try liveLicense(record.uscc)
        try Self.checkSubjectPrev(record.subjectPrev, expected: license.lastIndex, subject: "license \(record.uscc)")
        guard record.version == license.version + 1 else {
            throw RegistryError(.conflict, field: "record.version", "the license of \(record.uscc) is at version "
                                + "\(license.version); an amend must be version \(license.version + 1), found "
                                + "\(record.version)")
        }
        license.version = record.version
        license.currentIndex = index
        license.document = record.document
        license.termEnd = record.businessTerm.to
        license.history.append(index)
        willChange(.license(record.uscc.value))
        licenses[record.uscc.value] = license
        indexDocument(record, at: index)
    }

    /// `license.revoke` / `license.cancel`: only a live license, `subjectPrev` its last entry.
    mutating func applyLicenseEnd(_ record: LicenseEndRecord, status: LicenseState.Status,
                                  at index: UInt64) throws(RegistryError) {
        var license = try liveLicense(record.uscc)
        try Self.checkSubjectPrev(record.subjectPrev, expected: license.lastIndex, subject: "license \(record.uscc)")
        license.status = status
        license.endIndex = index
        license.endEffectiveOn = record.effectiveOn
        license.history.append(index)
        willChange(.license(record.uscc.value))
        licenses[record.uscc.value] = license
    }

    /// `seal.issue`: the holder holds a live license; a seal id is live once at a time, and a revoked one issued
    /// again names its last entry in `subjectPrev`.
    mutating func applySealIssue(_ record: SealIssueRecord, at index: UInt64) throws(RegistryError) {
        _ = try liveLicense(record.holder, field: "record.holder")
        let existing = seals[record.sealId.value]
        if let existing, !existing.isRevoked {
            throw RegistryError(.conflict, field: "record.sealId", "seal \(record.sealId) is live since entry "
                                + "\(existing.issueIndex); revoke it before issuing it again")
        }
        try Self.checkSubjectPrev(record.subjectPrev, expected: existing?.lastIndex, subject: "seal \(record.sealId)")
        willChange(.seal(record.sealId.value))
        seals[record.sealId.value] = SealState(
            sealId: record.sealId, holder: record.holder, sealType: record.sealType, validFrom: record.validFrom,
            validTo: record.validTo, issueIndex: index, revokeIndex: nil, revokedOn: nil,
            history: Self.history(existing?.history, then: index))
        if keepsQueryIndexes, holderSeals[record.holder.value]?.contains(record.sealId) != true {
            willChange(.holderSeals(record.holder.value))
            holderSeals[record.holder.value, default: []].append(record.sealId)
        }
    }

    /// `seal.revoke`: only a seal that is not revoked, `subjectPrev` its last entry.
    mutating func applySealRevoke(_ record: SealRevokeRecord, at index: UInt64) throws(RegistryError) {
        guard var seal = seals[record.sealId.value] else {
            throw RegistryError(.notFound, field: "record.sealId", "no seal \(record.sealId) was ever issued")
        }
        if let revoked = seal.revokeIndex {
            throw RegistryError(.conflict, field: "record.sealId",
                                "seal \(record.sealId) was already revoked at index \(revoked)")
        }
        try Self.checkSubjectPrev(record.subjectPrev, expected: seal.lastIndex, subject: "seal \(record.sealId)")
        seal.revokeIndex = index
        seal.revokedOn = record.effectiveOn
        seal.history.append(index)
        willChange(.seal(record.sealId.value))
        seals[record.sealId.value] = seal
    }

    /// `link.share`: the holder has a license in the log (live or ended: data about a dissolved entity may still
    /// be shared); both departments are registered and the submitter is one of them.
    mutating func applyLink(_ record: LinkShareRecord, by submitter: DepartmentID,
                            at index: UInt64) throws(RegistryError) {
        guard licenses[record.holder.value] != nil else {
            throw RegistryError(.notFound, field: "record.holder", "no license was ever issued to \(record.holder)")
        }
        // Two checks spelled out: a list of (field, id) pairs cost an allocation per link.
        try requireRegistered(record.sourceDepartment, field: "record.sourceDepartment")
        try requireRegistered(record.targetDepartment, field: "record.targetDepartment")
        guard submitter == record.sourceDepartment || submitter == record.targetDepartment else {
            throw RegistryError(.forbidden, field: "department", "\(submitter) records a link between "
                                + "\(record.sourceDepartment) and \(record.targetDepartment); only they may")
        }
        guard keepsQueryIndexes else { return }
        willChange(.links(record.holder.value))
        var list = links[record.holder.value] ?? IndexList()
        list.append(index)
        links[record.holder.value] = list
    }

    private func requireRegistered(_ id: DepartmentID, field: String) throws(RegistryError) {
        guard departments.index(forKey: id.value) == nil else { return }
        throw RegistryError(.notFound, field: field, "no department \(id) is registered")
    }

    private func liveLicense(_ uscc: USCC, field: String = "record.uscc") throws(RegistryError) -> LicenseState {
        guard let license = licenses[uscc.value] else {
            throw RegistryError(.notFound, field: field, "no license was ever issued to \(uscc)")
        }
        guard license.status == .live else {
            throw RegistryError(.conflict, field: field, "the license of \(uscc) was \(license.status.rawValue) at "
                                + "index \(license.endIndex ?? license.lastIndex); only a new license.issue may follow")
        }
        return license
    }

    private mutating func indexDocument(_ record: LicenseRecord, at index: UInt64) {
        guard keepsQueryIndexes else { return }
        willChange(.document(record.document))
        documents[record.document] = DocumentRef(uscc: record.uscc, index: index, version: record.version)
    }

    /// A subject's entries so far followed by `index`: one allocation (a literal and a concatenation made two).
    static func history(_ earlier: [UInt64]?, then index: UInt64) -> [UInt64] {
        var history = earlier ?? []
        history.reserveCapacity(history.count + 1)
        history.append(index)
        return history
    }

    /// `subjectPrev` must name the last entry about the subject, and be null exactly when there is none.
    /// `subject` names it in the error only, so it is made only for one (every entry that passes used to build it).
    static func checkSubjectPrev(_ found: UInt64?, expected: UInt64?,
                                 subject: @autoclosure () -> String) throws(RegistryError) {
        guard found != expected else { return }
        let subject = subject()
        let want = expected.map { "\($0), its last entry" } ?? "null: the log has no entry about it"
        throw RegistryError(.conflict, field: "record.subjectPrev",
                            "subjectPrev of \(subject) must be \(want); found \(found.map(String.init) ?? "null")")
    }
}

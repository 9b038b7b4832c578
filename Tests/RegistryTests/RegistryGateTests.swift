import CanonicalJSON
import LedgerCrypto
import Log
import Registry
import Testing

/// The state rules and the gate, through a real sequencer.
@Suite struct RegistryGateTests {
    @Test func bootstrap_writesGenesisAndDepartmentsSignedByTheOperator() async throws {
        let ledger = try await LedgerHarness()
        try await ledger.run { ledger in
            #expect(ledger.size == 5)
            let state = ledger.registry.snapshot
            #expect(state.ledger?.operatorDepartment == dept("demo-ledger"))
            #expect(state.ledger?.receiptKey == ledger.demo.receiptKey.publicKey)
            #expect(state.ledger?.genesis.linkKinds.count == 7)
            let amr = try #require(state.department(dept("demo-amr")))
            #expect(amr.registeredAt == 1 && amr.roles == [.licenseIssuer])
            #expect(amr.currentKey(try KeyID(validating: ledger.demo.amrKey.publicKey.keyID), at: 5) != nil)
            // A ledger is created once.
            await #expect(throws: RegistryError.self) {
                try await ledger.bootstrap().run(sequencer: ledger.sequencer, registry: ledger.registry)
            }
        }
    }

    @Test func licenseAndSealLifecycle_advancesStateAndHistory() async throws {
        try await LedgerHarness().run { ledger in
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            let amended = try await ledger.submit(ledger.amr(.licenseAmend,
                ledger.license(version: 2, subjectPrev: issued, document: "v2")))[0]
            let seal = try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))[0]
            let revoked = try await ledger.submit(ledger.amr(.licenseRevoke, ledger.end(subjectPrev: amended)))[0]
            let reissued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license(subjectPrev: revoked)))[0]
            let state = ledger.registry.snapshot
            let license = try #require(state.license(try USCC(Demo.holder)))
            #expect(license.status == .live && license.version == 1 && license.currentIndex == reissued)
            #expect(license.history == [issued, amended, revoked, reissued])
            #expect(state.document(LedgerHarness.document("v2"))?.index == amended)
            // A revoked license revokes no seal implicitly.
            #expect(state.seal(try SealID(validating: Demo.sealId))?.isRevoked == false)
            #expect(seal == amended + 1)
        }
    }

    @Test func forgedSignature_isRefusedBeforeSequencing() async throws {
        try await LedgerHarness().run { ledger in
            let good = try ledger.amr(.licenseIssue, ledger.license())
            var signature = good.signature
            signature[5] ^= 0x01
            let forged = try Submission(bytes: good.json.setting(["signature"],
                                                                 to: .string(Base64.encode(signature))).canonicalBytes())
            let error = await ledger.refusal(forged)
            #expect(error?.code == .badSignature && error?.field == "signature")
        }
    }

    @Test func unknownOrWrongDepartment_isBadSignature() async throws {
        try await LedgerHarness().run { ledger in
            let unknown = try ledger.sign(.licenseIssue, ledger.license(), as: "demo-nobody", key: ledger.demo.amrKey)
            #expect(await ledger.refusal(unknown)?.code == .badSignature)
            // Market regulation's key claiming to be public security: not a key of demo-psb.
            let impostor = try ledger.sign(.sealIssue, ledger.seal(), as: "demo-psb", key: ledger.demo.amrKey)
            let error = await ledger.refusal(impostor)
            #expect(error?.code == .badSignature && error?.field == "keyId")
        }
    }

    @Test func kindOutsideRole_isForbidden() async throws {
        try await LedgerHarness().run { ledger in
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))
            let sealByAMR = try ledger.amr(.sealIssue, ledger.seal())
            #expect(await ledger.refusal(sealByAMR)?.code == .forbidden)
            let licenseByOperator = try ledger.operatorSigned(.licenseIssue, ledger.license(validUSCC("9135010012345678")))
            #expect(await ledger.refusal(licenseByOperator)?.code == .forbidden)
            // The real-estate department may record real-estate links only.
            var link = try #require(try ledger.demo.record(.linkShare) as? LinkShareRecord)
            let ok = try ledger.sign(.linkShare, link, as: "demo-bdc", key: ledger.demo.bdcKey)
            try await ledger.submit(ok)
            link = LinkShareRecord(linkKind: .taxation, holder: link.holder, sourceDepartment: link.sourceDepartment,
                                   targetDepartment: link.targetDepartment, reference: link.reference,
                                   dataDigest: link.dataDigest, purpose: link.purpose, sharedAt: link.sharedAt)
            let taxation = try ledger.sign(.linkShare, link, as: "demo-bdc", key: ledger.demo.bdcKey)
            let error = await ledger.refusal(taxation)
            #expect(error?.code == .forbidden && error?.reason.contains("link:taxation") == true)
            #expect(ledger.registry.snapshot.links(about: try USCC(Demo.holder)).count == 1)
        }
    }

    @Test func retiredDepartment_isForbidden() async throws {
        try await LedgerHarness().run { ledger in
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))
            let retire = DepartmentRetireRecord(department: dept("demo-bank"), reason: "停止接入")
            try await ledger.submit(ledger.operatorSigned(.departmentRetire, retire))
            var link = try #require(try ledger.demo.record(.linkShare) as? LinkShareRecord)
            link = LinkShareRecord(linkKind: .bankAccount, holder: link.holder, sourceDepartment: dept("demo-amr"),
                                   targetDepartment: dept("demo-bank"), reference: "BANK-1", dataDigest: link.dataDigest,
                                   purpose: "开户核验", sharedAt: link.sharedAt)
            let late = try ledger.sign(.linkShare, link, as: "demo-bank", key: ledger.bankKey)
            let error = await ledger.refusal(late)
            #expect(error?.code == .forbidden && error?.field == "department")
            // Retiring twice, or the operator itself, is a conflict.
            #expect(await ledger.refusal(try ledger.operatorSigned(.departmentRetire, retire))?.code == .conflict)
            let selfRetire = DepartmentRetireRecord(department: dept("demo-ledger"), reason: "不可")
            #expect(await ledger.refusal(try ledger.operatorSigned(.departmentRetire, selfRetire))?.code == .conflict)
        }
    }

    @Test func rotatedOutKey_signsBeforeRotationButNotAfter() async throws {
        try await LedgerHarness().run { ledger in
            let before = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            let rotation = try #require(try ledger.demo.record(.departmentRotateKey) as? DepartmentRotateKeyRecord)
            let rotatedAt = try await ledger.submit(ledger.operatorSigned(.departmentRotateKey, rotation))[0]
            let old = try ledger.amr(.licenseAmend, ledger.license(version: 2, subjectPrev: before, document: "v2"))
            let error = await ledger.refusal(old)
            #expect(error?.code == .badSignature && error?.reason.contains("rotated out") == true)
            let new = try ledger.sign(.licenseAmend, ledger.license(version: 2, subjectPrev: before, document: "v2"),
                                      as: "demo-amr", key: ledger.demo.amrNextKey)
            let amended = try await ledger.submit(new)[0]
            #expect(amended == rotatedAt + 1)
            let amr = try #require(ledger.registry.snapshot.department(dept("demo-amr")))
            let oldID = try KeyID(validating: ledger.demo.amrKey.publicKey.keyID)
            #expect(amr.currentKey(oldID, at: before) != nil && amr.currentKey(oldID, at: rotatedAt + 1) == nil)
        }
    }

    @Test func resentSubmission_returnsOriginalIndex_otherContentUnderItsNonceConflicts() async throws {
        try await LedgerHarness().run { ledger in
            let nonce = try Nonce(validating: "resend-test-nonce-0001")
            let original = try ledger.amr(.licenseIssue, ledger.license(), nonce: nonce)
            let index = try await ledger.submit(original)[0]
            // Re-sent pretty-printed: the canonical bytes are the same submission.
            let resent = try Submission(bytes: Array(original.json.pretty().utf8))
            #expect(try ledger.registry.precheck(resent) == .duplicate(index: index))
            #expect(try await ledger.submit(resent) == [index])
            #expect(ledger.size == index + 1)
            let other = try ledger.amr(.licenseIssue, ledger.license(validUSCC("9135010012345678")), nonce: nonce)
            let error = await ledger.refusal(other)
            #expect(error?.code == .conflict && error?.field == "nonce")
        }
    }

    @Test func duplicateReachingAdmit_isRefusedWithTheOriginalIndex() async throws {
        try await LedgerHarness().run { ledger in
            let submission = try ledger.amr(.licenseIssue, ledger.license())
            let sends = try (0..<2).map { _ in try #require(try ledger.registry.precheck(submission).checked) }
            // Two identical sends race past the pre-check: the second one meets the first in admit.
            let results = await withTaskGroup(of: Result<SequencedGroup, any Error>.self) { group in
                for checked in sends {
                    let admission = ledger.registry.admission(for: [checked])
                    group.addTask {
                        do { return .success(try await ledger.sequencer.submit(admission)) } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let stored = results.compactMap { try? $0.get() }
            #expect(stored.count == 1)
            let refusal = results.compactMap { result -> RegistryError? in
                if case .failure(let error) = result { return error as? RegistryError } else { return nil }
            }
            #expect(refusal.first?.code == .duplicate && refusal.first?.index == stored.first?.items[0].entry.index)
        }
    }

    @Test func payloadNeverPrechecked_isRefusedByAdmit() async throws {
        try await LedgerHarness().run { ledger in
            let submission = try ledger.amr(.licenseIssue, ledger.license())
            await #expect(throws: RegistryError.self) {
                try await ledger.sequencer.submit([submission.canonicalBytes])
            }
            #expect(ledger.size == 5)
            // Not canonical JSON: refused whatever its content.
            await #expect(throws: RegistryError.self) {
                try await ledger.sequencer.submit([[0x7B, 0x20] + submission.canonicalBytes.dropFirst()])
            }
        }
    }
}

import FuzzSupport
import LedgerCrypto
import Log
@testable import Registry
import Synchronization
import Testing

/// A spill kept in a dictionary, for the map logic above it (the real one is `SQLiteScratch`, tested in
/// LogSQLiteTests and through `certledger audit`). It can be told to fail, as a full disk would.
final class MemorySpill: RegistrySpill {
    struct Full: Error {}
    private let rows = Mutex<[Int: [[UInt8]: [UInt8]]]>([:])
    private let failing = Atomic<Bool>(false)
    private let writes = Atomic<Int>(0)
    private let reads = Atomic<Int>(0)

    var writeCount: Int { writes.load(ordering: .relaxed) }
    var readCount: Int { reads.load(ordering: .relaxed) }
    var rowCount: Int { rows.withLock { $0.values.map(\.count).reduce(0, +) } }

    func failFromNowOn() { failing.store(true, ordering: .relaxed) }

    func read(table: Int, key: [UInt8]) throws -> [UInt8]? {
        reads.add(1, ordering: .relaxed)
        return rows.withLock { $0[table]?[key] }
    }

    func write(table: Int, rows newRows: [(key: [UInt8], value: [UInt8]?)]) throws {
        if failing.load(ordering: .relaxed) { throw Full() }
        writes.add(1, ordering: .relaxed)
        rows.withLock { rows in for row in newRows { rows[table, default: [:]][row.key] = row.value } }
    }
}

/// `SpillMap`: a dictionary whose older values live in a spill. Whatever the capacity, it answers exactly as a
/// `Dictionary` given the same operations, and its count stays exact.
@Suite struct SpillMapTests {
    @Test(arguments: [1, 3, 50])
    func randomOperations_answerAsADictionaryDoes(capacity: Int) {
        var generator = Mutator.Generator(seed: UInt64(capacity))
        let spill = MemorySpill()
        var map = SpillMap<String, [UInt64]>()
        map.spill(to: spill, table: 5, hotCapacity: capacity, failure: SpillFailure())
        var reference: [String: [UInt64]] = [:]
        for step in 0..<3_000 {
            let key = "k\(generator.next() % 200)"
            switch generator.next() % 4 {
            case 0, 1:
                map[key, default: []].append(UInt64(step))
                reference[key, default: []].append(UInt64(step))
            case 2:
                map[key] = nil
                reference[key] = nil
            default:
                #expect(map[key] == reference[key], "step \(step), key \(key)")
            }
            #expect(map.count == reference.count, "step \(step)")
        }
        for index in 0..<200 { #expect(map["k\(index)"] == reference["k\(index)"]) }
        if capacity < 200 { #expect(spill.writeCount > 0 && spill.rowCount > 0) }
    }

    @Test func stateValues_roundTripThroughTheirSpilledBytes_andDamagedBytesThrow() throws {
        let document = ContentDigest(of: Array("licence pdf".utf8), algorithm: .sm3)
        let licenses = [
            LicenseState(uscc: try USCC(Demo.holder), status: .live, version: 1, currentIndex: 5, document: document,
                         termEnd: nil, endIndex: nil, endEffectiveOn: nil, history: [5]),
            LicenseState(uscc: try USCC(Demo.holder), status: .revoked, version: 3, currentIndex: 9,
                         document: document, termEnd: try CalendarDate(validating: "2046-01-09"), endIndex: 12,
                         endEffectiveOn: try CalendarDate(validating: "2026-12-01"), history: [5, 7, 9, 12]),
        ]
        for license in licenses {
            #expect(try LicenseState(spill: license.spillBytes) == license)
            #expect(throws: (any Error).self) { try LicenseState(spill: Array(license.spillBytes.dropLast())) }
        }
        let seal = SealState(sealId: try SealID(validating: Demo.sealId), holder: try USCC(Demo.holder),
                             sealType: .legalName, validFrom: try CalendarDate(validating: "2026-01-10"),
                             validTo: try CalendarDate(validating: "2031-01-09"), issueIndex: 6, revokeIndex: 8,
                             revokedOn: try CalendarDate(validating: "2026-03-01"), history: [6, 8])
        #expect(try SealState(spill: seal.spillBytes) == seal)
        let ids = [try SealID(validating: Demo.sealId), try SealID(validating: "35010020260002")]
        #expect(try [SealID](spill: ids.spillBytes) == ids)
        let nonce = RegistryState.NonceRecord(index: 77, digest: HashAlgorithm.sha256.hash(Array("x".utf8)))
        let back = try RegistryState.NonceRecord(spill: nonce.spillBytes)
        #expect(back.index == 77 && back.digest == nonce.digest)
        #expect(throws: (any Error).self) { try RegistryState.NonceRecord(spill: [1, 2, 3]) }
    }

    @Test func spilledAudit_reachesTheGatesState_andTheSameFirstBadIndex() async throws {
        let ledger = try await ParallelAuditTests.longLedger(links: 40)
        for capacity in [1, 2, 5] {
            let auditor = RegistryAuditor(identity: ledger.identity)
            let spill = MemorySpill()
            auditor.spill(to: spill, hotCapacity: capacity)
            let report = try await LogVerifier(store: ledger.store, identity: ledger.identity)
                .verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:))
            #expect(report.isValid, "\(report)")
            #expect(auditor.state.spillError == nil && spill.rowCount > 0)
            let gate = ledger.registry.snapshot, audited = auditor.state
            #expect(audited.counts == gate.counts)
            let holder = try USCC(Demo.holder)
            #expect(audited.license(holder) == gate.license(holder) && audited.license(holder) != nil)
            #expect(audited.links(about: holder) == gate.links(about: holder))
            #expect(audited.seals(heldBy: holder) == gate.seals(heldBy: holder))
            let seal = try SealID(validating: Demo.sealId)
            #expect(audited.seal(seal) == gate.seal(seal))
        }
        let tampered = try await ParallelAuditTests.copy(of: ledger, flippingSignatureAt: 30)
        let auditor = RegistryAuditor(identity: ledger.identity)
        auditor.spill(to: MemorySpill(), hotCapacity: 1)
        let report = try await LogVerifier(store: tampered, identity: ledger.identity)
            .verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:))
        #expect(report.failure?.index == 30)
    }

    @Test func anAuditWithoutQueryIndexes_reachesTheSameVerdicts_andKeepsNoIndexOnlyValues() async throws {
        let ledger = try await ParallelAuditTests.longLedger(links: 40)
        let auditor = RegistryAuditor(identity: ledger.identity)
        auditor.dropQueryIndexes()
        auditor.spill(to: MemorySpill(), hotCapacity: 2)
        let report = try await LogVerifier(store: ledger.store, identity: ledger.identity)
            .verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:))
        #expect(report.isValid, "\(report)")
        let gate = ledger.registry.snapshot, audited = auditor.state
        #expect(audited.counts == gate.counts)
        let holder = try USCC(Demo.holder), seal = try SealID(validating: Demo.sealId)
        let license = try #require(gate.license(holder))
        #expect(audited.license(holder) == license && audited.seal(seal) == gate.seal(seal))
        // The query-only indices are what is left out.
        #expect(gate.document(license.document) != nil && audited.document(license.document) == nil)
        #expect(!gate.links(about: holder).isEmpty && audited.links(about: holder).isEmpty)
        #expect(!gate.seals(heldBy: holder).isEmpty && audited.seals(heldBy: holder).isEmpty)

        let tampered = try await ParallelAuditTests.copy(of: ledger, flippingSignatureAt: 30)
        let again = RegistryAuditor(identity: ledger.identity)
        again.dropQueryIndexes()
        let failed = try await LogVerifier(store: tampered, identity: ledger.identity)
            .verify(chunkPreparer: again.chunkPreparer, visit: again.visit(_:prepared:))
        #expect(failed.failure?.index == 30)
    }

    @Test func aFailingSpill_isReportedAsTheStatesSpillError() async throws {
        let ledger = try await ParallelAuditTests.longLedger(links: 20)
        let auditor = RegistryAuditor(identity: ledger.identity)
        let spill = MemorySpill()
        spill.failFromNowOn()
        auditor.spill(to: spill, hotCapacity: 1)
        _ = try await LogVerifier(store: ledger.store, identity: ledger.identity)
            .verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:))
        #expect(auditor.state.spillError is MemorySpill.Full)
    }
}

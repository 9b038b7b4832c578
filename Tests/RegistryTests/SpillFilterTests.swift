import FuzzSupport
@testable import Registry
import Testing

/// `SpillFilter`: the Bloom filter that lets a `SpillMap` answer "not in the spill" without reading it. It must
/// never miss a key it was given (a miss would be a wrong state), and must rule out most keys it was not given
/// (or it saves nothing).
@Suite struct SpillFilterTests {
    @Test func everyInsertedKey_isReported_acrossLayerGrowth() {
        var filter = SpillFilter()
        #expect(!filter.mayContain("nothing yet"))
        let total = SpillFilter.firstCapacity * 3 + 17   // three layers: 64 Ki, 128 Ki, 256 Ki keys
        for number in 0..<total { filter.insert("DEPT/nonce-\(number)") }
        #expect(filter.count == total)
        let missed = (0..<total).filter { !filter.mayContain("DEPT/nonce-\($0)") }
        #expect(missed.isEmpty, "\(missed.count) inserted keys reported absent, first \(missed.first ?? -1)")
    }

    @Test func keysNeverInserted_areMostlyRuledOut() {
        var filter = SpillFilter()
        let total = SpillFilter.firstCapacity * 3
        for number in 0..<total { filter.insert("inserted-\(number)") }
        let probes = 50_000
        let maybe = (0..<probes).count(where: { filter.mayContain("absent-\($0)") })
        // Two full layers at 10 bits a key and six probes, one a third full: ≈ 1% + 1% + 0.1%.
        #expect(maybe < probes * 4 / 100, "\(maybe) of \(probes) absent keys not ruled out")
        // ≈ 10 bits per key of capacity: 64 Ki + 128 Ki + 256 Ki keys.
        #expect(filter.byteCount <= (SpillFilter.firstCapacity * 7) * SpillFilter.bitsPerKey / 8 + 3 * 64)
    }

    @Test func aSpillMap_readsTheSpillOnlyForKeysItMayHaveSpilled() {
        let spill = MemorySpill()
        var map = SpillMap<String, [UInt64]>()
        map.spill(to: spill, table: 1, hotCapacity: 8, failure: SpillFailure())
        // As the state does with every new nonce: look it up, then set it.
        for number in 0..<2_000 {
            #expect(map["new-\(number)"] == nil)
            map["new-\(number)"] = [UInt64(number)]
        }
        #expect(spill.rowCount > 1_900 && map.count == 2_000)
        #expect(spill.readCount < 100, "\(spill.readCount) spill reads for 2,000 new keys")
        // Spilled keys are still read back exactly, and a key set to nil stays absent.
        let before = spill.readCount
        for number in stride(from: 0, to: 1_900, by: 97) { #expect(map["new-\(number)"] == [UInt64(number)]) }
        #expect(spill.readCount - before == 20)
        map["new-5"] = nil
        for number in 0..<20 { map["filler-\(number)"] = [] }
        #expect(map["new-5"] == nil && map.count == 2_019)
    }
}

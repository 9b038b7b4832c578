@testable import Registry
import Testing

/// The links list: appends keep order across chunks, and a copy taken before an append (what the undo journal
/// saves) still holds exactly what it held.
@Suite struct IndexListTests {
    @Test(arguments: [0, 1, 63, 64, 65, 128, 1_000])
    func appends_keepTheirOrder_andOldCopiesDoNotChange(count: Int) throws {
        var list = IndexList()
        var expected: [UInt64] = []
        var copies: [(IndexList, [UInt64])] = []
        for step in 0..<count {
            let index = UInt64(step * 7 + 3)
            list.append(index)
            expected.append(index)
            if step % 31 == 0 { copies.append((list, expected)) }
        }
        #expect(list.array == expected && list.count == count)
        for (copy, held) in copies {
            #expect(copy.array == held && copy.count == held.count)
        }
        // Two lists that diverge from one copy stay apart.
        var left = list
        var right = list
        left.append(1)
        right.append(2)
        #expect(left.array == expected + [1] && right.array == expected + [2] && list.array == expected)
        #expect(left != right && left == IndexList(expected + [1]))
    }

    @Test func spill_roundTripsAndRefusesDamage() throws {
        let list = IndexList((0..<200).map { UInt64($0 * $0) })
        #expect(try IndexList(spill: list.spillBytes) == list)
        #expect(throws: (any Error).self) { try IndexList(spill: Array(list.spillBytes.dropLast(3))) }
    }
}

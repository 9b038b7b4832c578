import Foundation
import Testing
import Log
@testable import LogSQLite
import LogStoreContract

/// Memory-mapped reading (`Options.mappedReadWindow`, the audit's read-only store): the same bytes as plain reads,
/// also after the file has grown under the map and after the map has been made afresh; the daemon's stores never map.
@Suite struct SQLiteMappedReadTests {
    /// Appends `batches` batches of `perBatch` entries of 700–1,900 bytes (the file grows by pages, not by a header).
    func grow(_ store: SQLiteLogStore, batches: Int, perBatch: Int, tag: String) async throws {
        for _ in 0..<batches {
            let first = try await store.head()?.size ?? 0
            let lengths = (0..<perBatch).map { 700 + Int((first + UInt64($0)) * 37 % 1_200) }
            try await store.append(ContractData.batch(firstIndex: first, lengths: lengths, tag: tag))
        }
    }

    /// Everything the two stores answer, compared: the head, every entry in chunks of 64, every stored tile.
    func expectSameAnswers(_ mapped: SQLiteLogStore, _ plain: SQLiteLogStore) async throws {
        let head = try #require(try await plain.head())
        #expect(try await mapped.head() == head)
        var start: UInt64 = 0
        while start < head.size {
            let end = min(head.size, start + 64)
            let expected = try await plain.entries(start..<end)
            #expect(expected.count == Int(end - start))
            #expect(try await mapped.entries(start..<end) == expected, "entries \(start)..<\(end)")
            start = end
        }
        for index in 0...((head.size - 1) / 256) {
            let key = TileKey(level: 0, index: index)
            #expect(try await mapped.tile(key) == (try await plain.tile(key)), "\(key)")
        }
    }

    func mapping(_ store: SQLiteLogStore) async throws -> (limit: Int64, remaps: Int)? {
        var found: (Int64, Int)?
        for reader in store.readers.all {
            let one = try await reader.run { db in db.mappedReads.map { ($0.limit, $0.remaps) } }
            if let one { found = (one.0, (found?.1 ?? 0) + one.1) }
        }
        return found
    }

    @Test func mappedReader_readsWhatAPlainReaderReads_asTheFileGrowsAndIsMappedAfresh() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            let writer = try await SQLiteLogStore.create(path: path)
            try await grow(writer, batches: 6, perBatch: 100, tag: "first")
            // A window of 16 KiB: each read of 64 entries (≈ 80 KB) passes it, so the map is made afresh after each.
            let mapped = try await SQLiteLogStore.openReadOnly(path: path, options: .init(mappedReadWindow: 16_384))
            let plain = try await SQLiteLogStore.openReadOnly(path: path)
            let map = try #require(try await mapping(mapped), "the read-only store asked to map does not map")
            #expect(map.limit > 1 << 20)
            #expect(try await mapping(plain) == nil)
            try await expectSameAnswers(mapped, plain)
            let remapsBefore = try #require(try await mapping(mapped)).remaps
            #expect(remapsBefore >= 9)

            // The file grows (by about 1.5 MB, far past the size mapped so far) while both readers stay open.
            try await grow(writer, batches: 12, perBatch: 100, tag: "more")
            #expect(try await mapped.head()?.size == 1_800)
            try await expectSameAnswers(mapped, plain)
            #expect(try #require(try await mapping(mapped)).remaps > remapsBefore)
            await mapped.close()
            await plain.close()
            await writer.close()
        }
    }

    @Test func storesWithAWriter_neverMap_evenWhenAsked() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/log.sqlite"
            let created = try await SQLiteLogStore.create(path: path, options: .init(mappedReadWindow: 16_384))
            try await grow(created, batches: 1, perBatch: 10, tag: "daemon")
            #expect(try await mapping(created) == nil)
            await created.close()
            let opened = try await SQLiteLogStore.open(path: path, options: .init(mappedReadWindow: 16_384))
            #expect(try await mapping(opened) == nil)
            #expect(try await opened.entries(0..<10).count == 10)
            await opened.close()
        }
    }
}

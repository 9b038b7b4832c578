import Foundation
import Testing
@testable import LogSQLite

/// `FilePrefetch` (before `PRAGMA quick_check` at open) must really bring a cold file into the page cache.
@Suite struct FilePrefetchTests {
    /// Pages of the file at `path` now in the page cache, and the file's page count (`mincore` over a map that is
    /// never touched, so looking does not fault anything in).
    static func residency(_ path: String) throws -> (resident: Int, pages: Int) {
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        let size = Int(info.st_size), page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        try #require(map != MAP_FAILED)
        defer { munmap(map, size) }
        var vector = [UInt8](repeating: 0, count: (size + page - 1) / page)
        try #require(mincore(map, size, &vector) == 0)
        return (vector.filter { $0 & 1 == 1 }.count, vector.count)
    }

    /// Writes `bytes` bytes to a new file, syncs it and drops it from the page cache.
    static func coldFile(bytes: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prefetch-\(UUID()).bin").path
        let data = Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 131) })
        try data.write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(fsync(fd) == 0)
        try #require(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0)
        return path
    }

    @Test func coldFile_afterWillNeed_isInThePageCache() async throws {
        let path = try Self.coldFile(bytes: 8 << 20)
        defer { unlink(path) }
        let before = try Self.residency(path)
        // The kernel dropped (nearly) all of it: otherwise this test could not tell a prefetch from nothing.
        try #require(before.resident < before.pages / 4, "the file did not leave the page cache: \(before)")

        #expect(FilePrefetch.willNeed(path: path))
        // The reads are asynchronous (up to 5 s). Nine tenths, not all: a host that reclaims cold pages on its own
        // (this VM's DAMON does) may already take a few back; without the advice none come in.
        let enough = before.pages * 9 / 10
        var after = try Self.residency(path)
        for _ in 0..<50 where after.resident < enough {
            try await Task.sleep(for: .milliseconds(100))
            after = try Self.residency(path)
        }
        #expect(after.resident >= enough, "\(after.resident) of \(after.pages) pages cached after the advice")
    }

    @Test func missingOrEmptyFile_noAdvice() throws {
        #expect(!FilePrefetch.willNeed(path: "/nonexistent/certledger/log.sqlite"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prefetch-\(UUID()).bin").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { unlink(path) }
        #expect(!FilePrefetch.willNeed(path: path))
    }
}

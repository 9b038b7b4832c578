import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import PostgresTestSupport
import Testing

/// The throw-away cluster's long-lived processes (server, watchdog) must not inherit the test process's other file
/// descriptors: tests run concurrently, and one holding the write end of another test's pipe to a child keeps that
/// test waiting for an end of file that never comes (a CI run hung on a finished `openssl` this way).
@Suite struct ClusterSpawnTests {
    @Test func aSpawnedProcess_doesNotHoldThePipesOfThisProcess() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let pid = try PostgresCluster.spawn(["/bin/sleep", "30"], output: "/dev/null")
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(ends[1])
        // Every write end is closed (ours just now, the child's never existed): the read end hangs up at once.
        var poller = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, 3_000)
        #expect(ready == 1 && poller.revents & Int16(POLLHUP) != 0, "the spawned process kept the pipe open")
    }
}

@testable import LedgerServer
import Logging
import Synchronization
import Testing

/// The connection cap's bookkeeping and what it logs: one warning at the cap, one notice once the load has eased by
/// a quarter, nothing in between however often a slot frees and is taken again.
@Suite struct ConnectionCapTests {
    /// Log lines kept in memory.
    final class Lines: Sendable {
        let lines = Mutex<[(Logger.Level, String)]>([])
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            lines.lines.withLock { $0.append((event.level, "\(event.message)")) }
        }
    }

    @Test func cap_stopsAccepting_logsOnceAtTheCap_andOnceWhenTheLoadHasEased() {
        let lines = Lines()
        var cap = ConnectionCap(limit: 8, logger: Logger(label: "test") { _ in Capture(lines: lines) })
        for _ in 0..<7 { cap.connectionOpened() }
        #expect(cap.isAcceptingNewConnections())
        cap.connectionOpened()
        #expect(!cap.isAcceptingNewConnections())
        // A slot frees and is taken again, many times: no more lines.
        for _ in 0..<5 {
            cap.connectionClosed()
            #expect(cap.isAcceptingNewConnections())
            cap.connectionOpened()
        }
        cap.connectionClosed()   // 7 open
        var logged = lines.lines.withLock { $0 }
        #expect(logged.count == 1)
        #expect(logged.first?.0 == .warning)
        #expect(logged.first?.1.contains("connection cap reached") == true)
        cap.connectionClosed()   // 6 open: a quarter below the cap of 8
        logged = lines.lines.withLock { $0 }
        #expect(logged.count == 2)
        #expect(logged.last?.0 == .notice)
    }

    @Test func limit_isTheConfiguredOne_orTheOpenFileLimitLessTheReserve() {
        #expect(ConnectionCap.limit(configured: 50) == 50)
        #expect(ConnectionCap.limit(configured: nil) >= 16)
    }
}

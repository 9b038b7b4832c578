@testable import LedgerServer
import Logging
import Synchronization
import Testing

/// The connection cap's bookkeeping and what it logs: one warning at the cap, one notice once the load has eased by
/// a quarter, nothing in between however often a slot frees and is taken again.
@Suite struct ConnectionCapTests {
    @Test func cap_stopsAccepting_logsOnceAtTheCap_andOnceWhenTheLoadHasEased() {
        let lines = CapturedLines()
        var cap = ConnectionCap(limit: 8, logger: Logger(label: "test") { _ in CapturedLog(lines: lines) })
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

/// Log lines kept in memory, for tests that check what was logged and at which level.
final class CapturedLines: Sendable {
    let lines = Mutex<[(Logger.Level, String)]>([])

    /// The lines logged at `level` or above.
    func atLeast(_ level: Logger.Level) -> [String] {
        lines.withLock { $0.filter { $0.0 >= level }.map(\.1) }
    }
}

/// A log handler that appends every line to `lines`.
struct CapturedLog: LogHandler {
    let lines: CapturedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.lines.withLock { $0.append((event.level, "\(event.message) \(event.metadata ?? [:])")) }
    }
}

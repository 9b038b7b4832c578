import Foundation
import HummingbirdCore
import Logging

/// The most connections the server holds open at once. At the cap it stops accepting (new clients wait in the
/// listen backlog, then time out) and says so in the log once, instead of accepting until the process runs out of
/// file descriptors, where every accept fails and the store can no longer open a file. Connections that hold a slot
/// without sending are closed by the idle timeout (`http.idleTimeoutSeconds`), which is what frees the server from
/// a flood of silent clients; until then later clients, `/healthz` among them, wait in the backlog behind them.
struct ConnectionCap: AvailableConnectionsDelegate {
    let limit: Int
    let logger: Logger
    private var open = 0
    private var atCap = false

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        if open >= limit, !atCap {
            atCap = true
            logger.warning("connection cap reached: not accepting new connections until one closes",
                           metadata: ["open": "\(open)", "limit": "\(limit)"])
        }
    }

    mutating func connectionClosed() {
        open -= 1
        // Said once the load has really eased (a quarter below the cap), not each time one slot frees and is taken.
        if atCap, open <= limit - max(1, limit / 4) {
            atCap = false
            logger.notice("accepting connections again", metadata: ["open": "\(open)", "limit": "\(limit)"])
        }
    }

    func isAcceptingNewConnections() -> Bool {
        open < limit
    }

    /// Descriptors left to the store, its files and the process when the cap is derived from the open-file limit.
    static var reservedDescriptors: Int { 128 }

    /// `configured` when given, else the soft open-file limit (RLIMIT_NOFILE) less `reservedDescriptors`, at
    /// least 16.
    static func limit(configured: Int?) -> Int {
        if let configured { return configured }
        var limits = rlimit()
        // An unlimited soft limit reads as rlim_t.max (RLIM_INFINITY): clamped to Int, it caps nothing in practice.
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 4096 }
        return max(16, Int(clamping: limits.rlim_cur) - reservedDescriptors)
    }
}

import ChildProcessSupport
import Foundation

/// Starts the real `certledgerd` with `arguments`, waits until it says it listens (it has then opened the store,
/// checked the ledger's identity and keys, and replayed the log), stops it with SIGTERM, and returns the line and
/// the exit status. A daemon that exits first, or does not listen within `timeout`, is an error with its stderr.
func startAndStopDaemon(_ arguments: [String], timeout: Duration = .seconds(60)) async throws
    -> (listening: String, status: Int32) {
    let daemon = try ChildProcess(product: "certledgerd", arguments: arguments)
    let line = try await daemon.waitForLine(startingWith: ["certledgerd listening on http://"], timeout: timeout)
    return (line, try await daemon.terminate())
}

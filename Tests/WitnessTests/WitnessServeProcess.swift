import ChildProcessSupport
import Foundation

/// `certledger witness serve` (or another server of this package) as a child process: the port from its "listening
/// on" line, SIGKILL or SIGTERM at a moment of the test's choosing.
typealias WitnessServeProcess = ChildProcess

extension ChildProcess {
    /// `certledger witness serve --data DATA --listen 127.0.0.1:0`.
    convenience init(data: String) throws {
        try self.init(product: "certledger",
                      arguments: ["witness", "serve", "--data", data, "--listen", "127.0.0.1:0"],
                      readyPrefixes: ["certledger witness listening on"])
    }
}

import Foundation
import LedgerClient

/// `certledger witness serve` (or another server of this package) as a child process: the port from its "listening
/// on" line, SIGKILL or SIGTERM at a moment of the test's choosing.
final class WitnessServeProcess: @unchecked Sendable {
    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    /// Guards `output`, `errorText` and `killed`: the pipes' reader threads append, the test reads.
    private let lock = NSLock()
    private var output = Data()
    private var errorText = Data()
    /// Set once SIGKILL was sent or the process was reaped.
    private var killed = false

    /// What the server prints on stdout once it listens; the port follows the last colon.
    private let readyPrefix: String

    /// `certledger witness serve --data DATA --listen 127.0.0.1:0`.
    convenience init(data: String) throws {
        try self.init(product: "certledger",
                      arguments: ["witness", "serve", "--data", data, "--listen", "127.0.0.1:0"],
                      readyPrefix: "certledger witness listening on")
    }

    /// Any server product of this package (e.g. `certledgerd --dev --port 0`), started in `directory`.
    init(product: String, arguments: [String], directory: String? = nil, readyPrefix: String) throws {
        let executable = productsDirectory.appendingPathComponent(product)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ServeProcessError("\(executable.path) is not built; `swift build --product \(product)` first")
        }
        self.readyPrefix = readyPrefix
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = stdout
        process.standardError = stderr
        stdout.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.output.append(data) }
        }
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.errorText.append(data) }
        }
        try process.run()
    }

    var standardError: String { lock.withLock { String(decoding: errorText, as: UTF8.self) } }

    /// The port of the "… listening on http://127.0.0.1:PORT" line.
    func waitForPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = lock.withLock { String(decoding: output, as: UTF8.self) }
            let lines = text.split(separator: "\n")
            if let line = lines.first(where: { $0.hasPrefix(readyPrefix) }),
               let port = line.split(separator: ":").last.flatMap({ Int($0) }) {
                return port
            }
            guard process.isRunning else {
                throw ServeProcessError(
                    "\(readyPrefix.prefix(20)) exited with \(process.terminationStatus): \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError("\(readyPrefix.prefix(20)) did not start listening within \(timeout): \(standardError)")
    }

    /// SIGKILL: no handler runs, nothing is flushed — the crash being simulated. Once only: a second call (the
    /// tests' `defer`) does nothing, so no other process that reused the pid is signalled.
    func kill() {
        guard lock.withLock({ () -> Bool in
            defer { killed = true }
            return !killed
        }) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait: the graceful path.
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        lock.withLock { killed = true }
        return process.terminationStatus
    }

    deinit {
        if !killed { Foundation.kill(process.processIdentifier, SIGKILL) }
        stdout.fileHandleForReading.readabilityHandler = nil
        stderr.fileHandleForReading.readabilityHandler = nil
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import Foundation

/// Starts the real `certledgerd` with `arguments`, waits until it says it listens (it has then opened the store,
/// checked the ledger's identity and keys, and replayed the log), stops it with SIGTERM, and returns the line and
/// the exit status. A daemon that exits first, or does not listen within `timeout`, is an error with its stderr.
func startAndStopDaemon(_ arguments: [String], timeout: Duration = .seconds(60)) async throws
    -> (listening: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("certledgerd")
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let output = CollectedOutput()
    out.fileHandleForReading.readabilityHandler = { output.append(stdout: $0.availableData) }
    err.fileHandleForReading.readabilityHandler = { output.append(stderr: $0.availableData) }
    try process.run()
    defer {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
    }
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let line = output.line(startingWith: "certledgerd listening on http://") {
            process.terminate()
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            return (line, process.terminationStatus)
        }
        guard process.isRunning else {
            throw TestFailure("certledgerd exited with \(process.terminationStatus): \(output.standardError)")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("certledgerd did not listen within \(timeout): \(output.standardError)")
}

/// What a child process printed; the pipes' reader threads append, the test reads.
private final class CollectedOutput: @unchecked Sendable {
    /// Guards `out` and `err`.
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func append(stdout data: Data) { lock.withLock { out.append(data) } }
    func append(stderr data: Data) { lock.withLock { err.append(data) } }

    func line(startingWith prefix: String) -> String? {
        let text = lock.withLock { String(decoding: out, as: UTF8.self) }
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
    }

    var standardError: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
}

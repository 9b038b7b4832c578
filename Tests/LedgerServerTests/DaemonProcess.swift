import Foundation

/// The real `certledgerd` binary as a child process, in a working directory of the test's choosing, its stdout
/// read line by line (the daemon prints one "listening on" line there; logs go to stderr).
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    /// Guards `buffer`, `lines` and `errorText`: the pipes' reader threads append, the test thread reads.
    private let lock = NSLock()
    private var buffer = Data()
    private var lines: [String] = []
    private var errorText = Data()

    /// SwiftPM puts the package's executables next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("certledgerd")
    }

    /// `launcher` runs the daemon through another program that execs it (e.g. `prlimit --fsize=N --`).
    init(arguments: [String], directory: String, launcher: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable.path) else {
            throw DaemonProcessError("\(Self.executable.path) is not built; `swift build --product certledgerd` first")
        }
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [Self.executable.path] + arguments
        } else {
            process.executableURL = Self.executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = stdout
        process.standardError = stderr
        stdout.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock {
                self.buffer.append(data)
                while let newline = self.buffer.firstIndex(of: 0x0A) {
                    self.lines.append(String(decoding: self.buffer[self.buffer.startIndex..<newline], as: UTF8.self))
                    self.buffer.removeSubrange(self.buffer.startIndex...newline)
                }
            }
        }
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.errorText.append(data) }
        }
        try process.run()
    }

    var standardError: String { lock.withLock { String(decoding: errorText, as: UTF8.self) } }

    /// The port from the "certledgerd listening on http[s]://host:port" line, waiting up to `timeout`.
    func waitForPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = lock.withLock {
                lines.first { $0.hasPrefix("certledgerd listening on http://")
                    || $0.hasPrefix("certledgerd listening on https://") }
            }
            if let found, let port = found.split(separator: ":").last.flatMap({ Int($0) }) { return port }
            guard process.isRunning else {
                throw DaemonProcessError("certledgerd exited with \(process.terminationStatus): \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DaemonProcessError("certledgerd did not start listening within \(timeout): \(standardError)")
    }

    /// Waits for the process to end by itself (at most `timeout`), returning its exit status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw DaemonProcessError("certledgerd did not exit") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Sends `signal` (SIGTERM, SIGINT) and waits for the exit status.
    func signal(_ signal: Int32) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        return try await waitForExit()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        stdout.fileHandleForReading.readabilityHandler = nil
        stderr.fileHandleForReading.readabilityHandler = nil
    }
}

struct DaemonProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

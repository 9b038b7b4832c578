import Foundation

/// A real child process for crash and end-to-end tests: started from a built executable of this package, its
/// stdout read line by line, killed with SIGKILL at a moment of the test's choosing.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    /// Guards `buffer` and `lines`: the pipe's reader thread appends, the test thread takes.
    private let lock = NSLock()
    private var buffer = Data()
    private var lines: [String] = []
    private var errorText = Data()

    /// The directory of the running test bundle, where SwiftPM also puts the package's executables.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    init(product: String, arguments: [String]) throws {
        let url = Self.productsDirectory.appendingPathComponent(product)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw ChildProcessError("\(url.path) is not built; `swift build --product \(product)` first")
        }
        process.executableURL = url
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = stderr
        stdout.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.absorb(data)
        }
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.errorText.append(data) }
        }
        try process.run()
    }

    private func absorb(_ data: Data) {
        lock.withLock {
            buffer.append(data)
            while let newline = buffer.firstIndex(of: 0x0A) {
                lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
    }

    /// Lines printed so far (complete lines only), removed from the queue.
    func takeLines() -> [String] {
        lock.withLock {
            defer { lines.removeAll() }
            return lines
        }
    }

    var standardError: String { lock.withLock { String(decoding: errorText, as: UTF8.self) } }

    /// SIGKILL: no handler runs, nothing is flushed — the crash being simulated.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        drain()
    }

    /// Whatever reached the pipe before the process ended is still output (acknowledged entries): read it all.
    private func drain() {
        stdout.fileHandleForReading.readabilityHandler = nil
        absorb(stdout.fileHandleForReading.readDataToEndOfFile())
    }

    /// SIGTERM and wait: the graceful path.
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        drain()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        stdout.fileHandleForReading.readabilityHandler = nil
        stderr.fileHandleForReading.readabilityHandler = nil
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ChildProcess {
    /// Runs `executable` with `arguments` to completion: (exit status, stdout, stderr).
    static func runToCompletion(_ executable: URL, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errData, as: UTF8.self))
    }
}

public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A built executable of this package run as a child process by the tests: the daemon, the witness server, the
/// CLI. Its stdout is kept line by line, its stderr as text; the test waits for a "listening on" line, signals the
/// process, kills it with SIGKILL at a moment of its choosing, or waits for it to exit.
///
/// Each pipe is read by its own thread with blocking `read(2)` until end of file. Foundation's
/// `FileHandle.readabilityHandler` is not used: on Linux it sometimes never delivers what a child wrote (a daemon's
/// "listening on" line went unseen for a minute while its stderr arrived), which made tests fail at random.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let stdout = PipeReader()
    private let stderr = PipeReader()
    /// What a ready process prints on stdout; the port follows the line's last colon.
    private let readyPrefixes: [String]
    /// Guards `taken` and `reaped`.
    private let lock = NSLock()
    /// How many stdout lines `takeLines()` has handed out.
    private var taken = 0
    /// Set once the process was seen to end (and reaped): it is never signalled again, so no other process that
    /// reused its pid is.
    private var reaped = false

    /// SwiftPM puts the package's executables next to the test bundle.
    public static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// Starts `product` (an executable of this package) with `arguments` in `directory`. `launcher` runs it through
    /// another program that execs it (e.g. `prlimit --fsize=N --`); `environment` is added to the test's own.
    public init(product: String, arguments: [String], directory: String? = nil, launcher: [String] = [],
                environment: [String: String] = [:], readyPrefixes: [String] = []) throws {
        let executable = Self.productsDirectory.appendingPathComponent(product)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ChildProcessError("\(executable.path) is not built; `swift build --product \(product)` first")
        }
        self.readyPrefixes = readyPrefixes
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = stdout.pipe
        process.standardError = stderr.pipe
        try process.run()
        stdout.start()
        stderr.start()
    }

    /// Everything the process wrote to stderr so far.
    public var standardError: String { String(decoding: stderr.bytes, as: UTF8.self) }

    /// Everything the process wrote to stdout so far.
    public var standardOutput: String { String(decoding: stdout.bytes, as: UTF8.self) }

    /// Complete stdout lines not handed out by an earlier call.
    public func takeLines() -> [String] {
        let all = stdout.lines
        return lock.withLock {
            defer { taken = all.count }
            return Array(all.dropFirst(taken))
        }
    }

    /// The first stdout line starting with `prefix` (any of `prefixes`), waiting up to `timeout`. A process that
    /// exits first, or says nothing of the kind in time, is an error carrying its stderr.
    ///
    /// The lines are looked at once more after the deadline: a test process whose cooperative threads are all busy
    /// may resume this task only after the deadline, long after the child printed its line.
    public func waitForLine(startingWith prefixes: [String], timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let line = stdout.lines.first(where: { line in prefixes.contains { line.hasPrefix($0) } }) {
                return line
            }
            guard ContinuousClock.now < deadline else { break }
            guard process.isRunning else {
                // Its last words may still be in the pipe.
                await drained()
                if let line = stdout.lines.first(where: { line in prefixes.contains { line.hasPrefix($0) } }) {
                    return line
                }
                throw ChildProcessError("\(name) exited with \(process.terminationStatus): \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ChildProcessError("\(name) did not print \(prefixes.first ?? "") within \(timeout) (\(pipeReport)): "
                                + standardError)
    }

    /// What the child's stdout is and what this process reads, for a line that never came: the same pipe (inode)
    /// on both sides, and the bytes read so far.
    private var pipeReport: String {
        func target(_ path: String) -> String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "unknown"
        }
        let child = target("/proc/\(process.processIdentifier)/fd/1")
        let ours = target("/proc/self/fd/\(stdout.pipe.fileHandleForReading.fileDescriptor)")
        return "child's stdout \(child), read here from \(ours), \(stdout.bytes.count) bytes read: "
            + String(decoding: stdout.bytes.prefix(200), as: UTF8.self)
    }

    /// The port of the ready line ("… listening on http://127.0.0.1:PORT").
    public func waitForPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let line = try await waitForLine(startingWith: readyPrefixes, timeout: timeout)
        guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw ChildProcessError("\(name) printed no port: \(line)")
        }
        return port
    }

    /// Waits for the process to end by itself (at most `timeout`), returning its exit status.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw ChildProcessError("\(name) did not exit") }
            try await Task.sleep(for: .milliseconds(20))
        }
        markReaped()
        await drained()
        return process.terminationStatus
    }

    /// Sends `signal` (SIGTERM, SIGINT) and waits for the exit status.
    public func signal(_ signal: Int32) async throws -> Int32 {
        send(signal)
        return try await waitForExit()
    }

    /// SIGKILL: no handler runs, nothing is flushed — the crash being simulated. What reached the pipe before is
    /// still read. A second call does nothing.
    public func kill() {
        send(SIGKILL)
        process.waitUntilExit()
        markReaped()
        drain()
    }

    /// SIGTERM and wait (at most 30 s): the graceful path.
    public func terminate() async throws -> Int32 {
        try await signal(SIGTERM)
    }

    /// Once the child has ended: everything it wrote to either pipe has been read (at most a moment's wait), so
    /// `standardOutput`, `standardError` and `takeLines()` hold its last words.
    private func drain() {
        stdout.waitForEnd(timeout: .seconds(2))
        stderr.waitForEnd(timeout: .seconds(2))
    }

    /// `drain()` without blocking a thread while it waits.
    private func drained() async {
        await stdout.ended(timeout: .seconds(2))
        await stderr.ended(timeout: .seconds(2))
    }

    private var name: String { process.executableURL?.lastPathComponent ?? "child process" }

    private func send(_ signal: Int32) {
        let live = lock.withLock { !reaped }
        if live, process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    private func markReaped() { lock.withLock { reaped = true } }

    deinit {
        if !reaped, process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

/// One end of a child's output: a thread reads it with blocking `read(2)` until end of file.
private final class PipeReader: @unchecked Sendable {
    let pipe = Pipe()
    /// Guards `data`, `complete`, `lineStart`, `waiting` and `ended`.
    private let lock = NSLock()
    private var data = Data()
    /// Complete lines of `data`, split as they arrive.
    private var complete: [String] = []
    private var lineStart = 0
    /// True while the thread waits in `read(2)` with everything it read before appended.
    private var waiting = false
    private var ended = false

    func start() {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            let descriptor = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                lock.withLock { waiting = true }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                lock.withLock { waiting = false }
                if count > 0 {
                    append(buffer[0..<count])
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            lock.withLock { ended = true }
        }
    }

    private func append(_ bytes: ArraySlice<UInt8>) {
        lock.withLock {
            data.append(contentsOf: bytes)
            while let newline = data[lineStart...].firstIndex(of: 0x0A) {
                complete.append(String(decoding: data[lineStart..<newline], as: UTF8.self))
                lineStart = newline + 1
            }
        }
    }

    var bytes: Data { lock.withLock { data } }
    var lines: [String] { lock.withLock { complete } }

    /// Once the child has ended: waits (briefly, at most `timeout`) until everything it wrote has been read — the
    /// pipe holds nothing more and the thread waits in `read(2)`, or the pipe reached end of file. End of file alone
    /// is not awaited: a child started meanwhile by another test may hold the pipe's write end open.
    func waitForEnd(timeout: Duration) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !isDrained { usleep(1_000) }
    }

    /// `waitForEnd(timeout:)` for async callers: sleeps without holding a thread.
    func ended(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !isDrained { try? await Task.sleep(for: .milliseconds(1)) }
    }

    /// True once everything written so far has been read (the pipe is empty and the thread waits in `read(2)`), or
    /// the pipe reached its end.
    private var isDrained: Bool {
        var pending: Int32 = 0
        let empty = ioctl(pipe.fileHandleForReading.fileDescriptor, UInt(FIONREAD), &pending) == 0 && pending == 0
        return lock.withLock { ended || (empty && waiting) }
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

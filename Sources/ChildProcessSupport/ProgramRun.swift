import Foundation

/// A program (or a bash script) run to completion, its exit status and both outputs captured — the one way the
/// tests run a short-lived binary (the CLI, `certledger-bench`, `openssl`, `prlimit`).
public struct ProgramRun: Sendable {
    public let status: Int32
    public let output: String
    public let errors: String

    /// Blocks the calling thread until the program ends; async code uses `ProgramRun.run`.
    @available(*, noasync, message: "blocks a cooperative thread: use ProgramRun.run")
    public init(_ program: String, _ arguments: [String], directory: String? = nil,
         environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // stderr goes to a file and stdout is read to its end before waiting: a chatty program never blocks.
        let errorPath = (directory ?? NSTemporaryDirectory()) + "/.stderr-\(UUID())"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errorHandle
        try process.run()
        let outputBytes = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errorHandle.close()
        status = process.terminationStatus
        output = String(decoding: outputBytes, as: UTF8.self)
        errors = String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
    }

    /// `script` run by bash in `directory`.
    @available(*, noasync, message: "blocks a cooperative thread: use ProgramRun.run(script:directory:environment:)")
    public init(script: String, directory: String, environment: [String: String]) throws {
        try self.init("/bin/bash", ["-c", script], directory: directory, environment: environment)
    }
}

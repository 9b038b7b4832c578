public import Foundation

/// What some tests need beyond Swift (Chromium and Selenium for the page, Go's `golang.org/x/mod` and Python's
/// `cryptography` for interop, PostgreSQL's server binaries): `Scripts/install-deps` installs whatever is missing,
/// and a test that finds its tool missing runs it itself, once per process, so `swift test` alone prepares what it
/// needs. apt needs root, as on this project's machines and CI; elsewhere the failure says so.
public enum TestDependencies {
    /// The repository this file belongs to.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The outcome of the one run per process: nil when it succeeded, else why not.
    private static let outcome = Task<String?, Never> { await runInstaller() }

    /// Runs `Scripts/install-deps` (once per process, whoever asks first); nil when it succeeded, else why not.
    public static func install() async -> String? {
        await outcome.value
    }

    private static func runInstaller() async -> String? {
        let log = repository.appendingPathComponent(".build/test-output/install-deps.log")
        try? FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/bin/bash")
        install.arguments = [repository.appendingPathComponent("Scripts/install-deps").path]
        install.currentDirectoryURL = repository
        install.standardInput = FileHandle.nullDevice
        if let handle = try? FileHandle(forWritingTo: log) {
            install.standardOutput = handle
            install.standardError = handle
        }
        do { try install.run() } catch { return "Scripts/install-deps did not run: \(error)" }
        while install.isRunning { try? await Task.sleep(for: .milliseconds(200)) }   // never blocks a pool thread
        guard install.terminationStatus == 0 else {
            let tail = (try? String(contentsOf: log, encoding: .utf8))?.suffix(600) ?? ""
            return "Scripts/install-deps failed (exit \(install.terminationStatus), \(log.path)): \(tail)"
        }
        return nil
    }
}

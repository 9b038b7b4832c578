import ChildProcessSupport
import Foundation

extension ChildProcess {
    /// Runs `executable` with `arguments` to completion on a thread of its own: (exit status, stdout, stderr).
    static func runToCompletion(_ executable: URL, _ arguments: [String]) async throws -> (Int32, String, String) {
        let run = try await ProgramRun.run(executable.path, arguments)
        return (run.status, run.output, run.errors)
    }
}

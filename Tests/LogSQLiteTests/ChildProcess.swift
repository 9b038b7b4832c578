import ChildProcessSupport
import Foundation

extension ChildProcess {
    /// Runs `executable` with `arguments` to completion: (exit status, stdout, stderr).
    static func runToCompletion(_ executable: URL, _ arguments: [String]) throws -> (Int32, String, String) {
        let run = try ProgramRun(executable.path, arguments)
        return (run.status, run.output, run.errors)
    }
}

import Foundation

extension ProgramRun {
    /// `ProgramRun(program, arguments, …)` on a thread of its own, awaited: the run blocks that thread, never one of
    /// Swift concurrency's cooperative threads. An async test that waits for a program talking to a server in the
    /// same process must not hold one of them: on a two-core machine two such tests would hold them all, and the
    /// server could never answer.
    public static func run(_ program: String, _ arguments: [String], directory: String? = nil,
                           environment: [String: String] = [:]) async throws -> ProgramRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try ProgramRun(program, arguments, directory: directory, environment: environment)
                })
            }.start()
        }
    }

    /// `ProgramRun(script:…)` on a thread of its own, awaited (see `run(_:_:directory:environment:)`): a long script
    /// must not hold one of the two cooperative threads while other tests' in-process servers need them.
    public static func run(script: String, directory: String, environment: [String: String]) async throws
        -> ProgramRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try ProgramRun(script: script, directory: directory, environment: environment)
                })
            }.start()
        }
    }
}

import Foundation

extension ProgramRun {
    /// `ProgramRun(program, arguments, …)` on a thread of its own, awaited (`onOwnThread`): the run blocks that
    /// thread, never one of Swift concurrency's cooperative threads.
    public static func run(_ program: String, _ arguments: [String], directory: String? = nil,
                           environment: [String: String] = [:]) async throws -> ProgramRun {
        try await onOwnThread {
            try ProgramRun(program, arguments, directory: directory, environment: environment)
        }
    }

    /// `ProgramRun(script:…)` on a thread of its own, awaited (see `run(_:_:directory:environment:)`).
    public static func run(script: String, directory: String, environment: [String: String]) async throws
        -> ProgramRun {
        try await onOwnThread { try ProgramRun(script: script, directory: directory, environment: environment) }
    }
}

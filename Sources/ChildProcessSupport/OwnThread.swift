public import Foundation

/// Runs `body` — something that blocks: waiting for a program, a socket read — on a thread of its own and awaits its
/// result. Swift concurrency has one cooperative thread per core; an async test that blocks one of them while it
/// waits for a server in the same process can, beside a second such test on a two-core machine, leave no thread
/// for that server to answer on.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

extension Process {
    /// Waits, without blocking a thread, until the process has ended; its exit status.
    public func exited() async throws -> Int32 {
        while isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return terminationStatus
    }
}

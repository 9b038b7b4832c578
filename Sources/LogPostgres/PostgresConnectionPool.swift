import Log
import Logging
import PostgresNIO
import Synchronization

/// A fixed-size pool of PostgreSQL connections, opened lazily and handed out one caller at a time.
///
/// Written here rather than using postgres-nio's `PostgresClient` because that client needs its `run()` running in
/// a long-lived task before the first query: a store that must be usable right after `open` (start-up checks,
/// `certledger` commands, tests) would need a stray background task. This pool needs none: connections are made
/// on demand, broken ones are dropped on release and replaced on the next lease, `close()` closes them all.
final class PostgresConnectionPool: Sendable {
    private struct Waiter {
        let id: UInt64
        /// Resumed with an idle connection, or with nil: "a slot is free, connect yourself".
        let continuation: CheckedContinuation<PostgresConnection?, any Error>
    }

    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections in existence or being opened (idle + leased + connecting); never above `size`.
        var slots = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        var closed = false
    }

    private let size: Int
    private let connect: @Sendable (Int) async throws -> PostgresConnection
    /// Guards the idle list, the slot count and the waiters. Never held across an `await`.
    private let state = Mutex(State())

    /// `connect` opens (and prepares) connection number N; it throws the error callers of `withConnection` see.
    init(size: Int, connect: @escaping @Sendable (Int) async throws -> PostgresConnection) {
        self.size = max(1, size)
        self.connect = connect
    }

    /// Leases a connection for `body`; the connection goes back to the pool afterwards, or is dropped if it broke.
    /// `body` must not keep the connection.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// A store dropped without `close()` still closes its connections. Each close callback holds its connection
    /// until the channel is down: postgres-nio asserts that a connection is closed when it is deinitialized.
    deinit {
        let idle = state.withLock { s in s.idle }
        for connection in idle { connection.close().whenComplete { _ in _ = connection } }
    }

    /// Closes idle connections now and leased ones when they come back; later leases fail with `.unavailable`.
    func close() async {
        let (idle, waiters) = state.withLock { s -> ([PostgresConnection], [Waiter]) in
            s.closed = true
            defer { s.idle = []; s.waiters = [] }
            return (s.idle, s.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.closedError) }
        for connection in idle { try? await connection.close() }
    }

    private static let closedError = LogStoreError(.unavailable, "the PostgreSQL log store is closed")

    private enum Grant { case connection(PostgresConnection), slot, wait(UInt64), closed }

    func lease() async throws -> PostgresConnection {
        while true {
            let grant = state.withLock { s -> Grant in
                if s.closed { return .closed }
                if let connection = s.idle.popLast() { return .connection(connection) }
                if s.slots < size {
                    s.slots += 1
                    return .slot
                }
                s.nextID += 1
                return .wait(s.nextID)
            }
            switch grant {
            case .closed:
                throw Self.closedError
            case .connection(let connection):
                if !connection.isClosed { return connection }
                freeSlot()   // the server or the network dropped it while it sat idle: open a new one instead
            case .slot:
                return try await openInSlot()
            case .wait(let id):
                if let connection = try await wait(id) {
                    if !connection.isClosed { return connection }
                    freeSlot()
                } else {
                    return try await openInSlot()
                }
            }
        }
    }

    private func openInSlot() async throws -> PostgresConnection {
        do {
            let number = state.withLock { $0.slots }
            return try await connect(number)
        } catch {
            freeSlot()
            throw error
        }
    }

    /// Parks the caller until a connection or a slot is handed over; cancellation takes it out of the line.
    private func wait(_ id: UInt64) async throws -> PostgresConnection? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let refused: (any Error)? = state.withLock { s in
                    if s.closed { return Self.closedError }
                    if Task.isCancelled { return CancellationError() }
                    s.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let refused { continuation.resume(throwing: refused) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                guard let position = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: position)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Returns a connection: to the longest waiter, to the idle list, or — if it broke or the pool is closed —
    /// closes it and frees its slot.
    func release(_ connection: PostgresConnection) {
        guard !connection.isClosed else {
            freeSlot()
            return
        }
        let (waiter, closeIt) = state.withLock { s -> (Waiter?, Bool) in
            if s.closed {
                s.slots -= 1
                return (nil, true)
            }
            if !s.waiters.isEmpty { return (s.waiters.removeFirst(), false) }
            s.idle.append(connection)
            return (nil, false)
        }
        if closeIt { connection.close().whenComplete { _ in _ = connection } }
        waiter?.continuation.resume(returning: connection)
    }

    /// A slot became free (a connection broke or could not be opened): the longest waiter may open one.
    private func freeSlot() {
        let waiter = state.withLock { s -> Waiter? in
            if !s.closed, !s.waiters.isEmpty { return s.waiters.removeFirst() }   // the slot passes on as it is
            s.slots -= 1
            return nil
        }
        waiter?.continuation.resume(returning: nil)
    }
}

public import LogPostgres
public import Logging
public import ServiceLifecycle

/// Writes a PostgreSQL daemon's status map versions (`PostgresMapWriter`) as the sequencer queues them, until
/// shutdown. It stops after the sequencer (`LedgerServices.group` starts it first), so the versions of the last
/// batches are queued by then and written before it returns. A failed write is logged and tried again at the next
/// batch; what is still queued when the process dies is caught up from the log at the next start.
public struct StatusMapWriterService: Service {
    let writer: PostgresMapWriter
    let logger: Logger

    public init(writer: PostgresMapWriter, logger: Logger) {
        self.writer = writer
        self.logger = logger
    }

    public func run() async {
        for await _ in writer.wakeUps.cancelOnGracefulShutdown() {
            await flush()
        }
        await flush()
    }

    private func flush() async {
        do { try await writer.flush() } catch {
            if let stopped = writer.stopped {
                logger.critical("""
                    the status map stored in PostgreSQL disagrees with this daemon's; it is no longer written (the \
                    next start rebuilds it): \(stopped)
                    """)
            } else {
                logger.error("the status map could not be written to PostgreSQL; retried at the next batch",
                             metadata: ["queued": "\(writer.queued)", "error": "\(error)"])
            }
        }
    }
}

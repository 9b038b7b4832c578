public import Logging

/// The loggers the tests hand to the code under test: silent unless `CERTLEDGER_TEST_LOG` names a level (`trace`,
/// `debug`, `info`, `notice`, `warning`, `error`, `critical`), so that a test run prints its failures and a summary,
/// not the daemon's life story. Re-run a failing test with `CERTLEDGER_TEST_LOG=debug swift test --filter NAME` to
/// see what the code logged.
public func quietLogger(_ label: String) -> Logger {
    guard let level = testLogLevel else { return Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() }) }
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
}

/// The level `CERTLEDGER_TEST_LOG` asks for; nil (silent) when it is unset or not a level.
private let testLogLevel: Logger.Level? = {
    guard let name = getenv("CERTLEDGER_TEST_LOG") else { return nil }
    return Logger.Level(rawValue: String(cString: name))
}()

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

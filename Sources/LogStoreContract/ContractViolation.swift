import Log

/// A `LogStore` broke the contract written on the protocol; `check` names the `LogStoreContract.Check` that saw it.
public struct ContractViolation: Error, Sendable, CustomStringConvertible {
    /// The check that failed, e.g. `wrongFirstIndex_conflictsAndWritesNothing`.
    public let check: String
    /// What was expected and what the store did, with the numbers.
    public let reason: String

    public init(check: String, reason: String) {
        self.check = check
        self.reason = reason
    }

    public var description: String { "contract violation in \(check): \(reason)" }
}

/// Assertions that throw `ContractViolation` (the suite cannot use `#expect`: it is not a test target).
struct ContractAsserter {
    let check: String

    func require(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
        if !condition { throw ContractViolation(check: check, reason: reason()) }
    }

    func equal<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
        try require(actual == expected, "\(what): got \(Self.show(actual)), expected \(Self.show(expected))")
    }

    /// Runs `body` and requires it to throw a `LogStoreError` with `code`.
    func fails(with code: LogStoreError.Code, _ what: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as LogStoreError {
            try require(error.code == code, "\(what): threw \(error), expected code \(code.rawValue)")
            try require(!error.reason.isEmpty, "\(what): \(code.rawValue) error without a reason")
            return
        } catch {
            throw ContractViolation(check: check, reason: "\(what): threw \(error), not a LogStoreError")
        }
        throw ContractViolation(check: check, reason: "\(what): succeeded, expected \(code.rawValue)")
    }

    /// Byte arrays print as their length and first bytes, so a violation stays readable for 64 KiB entries.
    private static func show<T>(_ value: T) -> String {
        if let bytes = value as? [UInt8] { return "\(bytes.count) bytes \(bytes.prefix(8))…" }
        if let list = value as? [[UInt8]] { return "\(list.count) entries of sizes \(list.prefix(8).map(\.count))…" }
        if let optional = value as? [UInt8]?, let bytes = optional {
            return "\(bytes.count) bytes \(bytes.prefix(8))…"
        }
        return "\(value)"
    }
}

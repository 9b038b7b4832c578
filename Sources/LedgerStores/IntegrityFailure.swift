/// The ledger failed a check (the command line's exit 1): the first bad log index, when there is one, and why.
public struct IntegrityFailure: Error, Sendable, CustomStringConvertible {
    public let index: UInt64?
    public let reason: String

    public init(index: UInt64?, reason: String) {
        self.index = index
        self.reason = reason
    }

    public var description: String { "FAILED at \(index.map { "index \($0)" } ?? "checkpoint"): \(reason)" }
}

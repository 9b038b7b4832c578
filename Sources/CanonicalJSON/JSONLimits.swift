/// Resource bounds the parser enforces before it trusts a document. RFC 8259 §9 lets a parser limit size and
/// nesting; a ledger that parses what strangers send must, so that a hostile body costs bounded memory and stack.
public struct JSONLimits: Sendable, Hashable {
    /// Deepest nesting of arrays and objects accepted; a scalar at the root has depth 0, `[]` depth 1.
    /// Default 64: ledger submissions nest about 4 deep, so 64 is generous while keeping the recursive parser
    /// and `Codable` bridge far from any thread's stack limit. Values are clamped to 1...`depthCeiling`.
    public var maxDepth: Int {
        didSet { maxDepth = Self.clampDepth(maxDepth) }
    }

    /// Longest input accepted, in bytes. Default 1 MiB: an entry is at most 65,535 bytes (DESIGN §3) and a
    /// bundle of submissions stays well below this. Values below 1 are treated as 1.
    public var maxInputBytes: Int {
        didSet { maxInputBytes = max(1, maxInputBytes) }
    }

    /// Hard ceiling on `maxDepth`: each level costs a few stack frames, and tasks may run on small stacks.
    public static let depthCeiling = 256

    /// The defaults documented on each field.
    public static let `default` = JSONLimits()

    /// Creates limits; out-of-range values are clamped as documented on each field.
    public init(maxDepth: Int = 64, maxInputBytes: Int = 1 << 20) {
        self.maxDepth = Self.clampDepth(maxDepth)
        self.maxInputBytes = max(1, maxInputBytes)
    }

    private static func clampDepth(_ depth: Int) -> Int {
        min(max(depth, 1), depthCeiling)
    }
}

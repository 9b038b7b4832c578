import CanonicalJSON
import Foundation
import Testing

/// Loads a vector file from `Tests/Vectors` with the module's own strict parser (the files are plain JSON).
func loadVector(_ name: String) throws -> JSONValue {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors").appendingPathComponent(name)
    return try JSONValue.parse([UInt8](Data(contentsOf: url)))
}

/// The error `JSONValue.parse` throws for `bytes`, or `nil` if it parses.
func parseError(_ bytes: [UInt8], limits: JSONLimits = .default) -> JSONError? {
    do {
        _ = try JSONValue.parse(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

func parseError(_ text: String, limits: JSONLimits = .default) -> JSONError? {
    parseError(Array(text.utf8), limits: limits)
}

/// A small deterministic generator (SplitMix64) so that random tests replay identically.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A finite double with a uniformly random bit pattern (so every exponent, subnormals included, is covered).
func randomFiniteDouble(using rng: inout SplitMix64) -> Double {
    while true {
        let value = Double(bitPattern: rng.next())
        if value.isFinite { return value }
    }
}

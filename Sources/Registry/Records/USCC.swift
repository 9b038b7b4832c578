/// A unified social credit code (统一社会信用代码, GB 32100-2015): the 18-character identity of a license holder.
///
/// Layout: 1 registration authority code, 2 entity category, 3–8 administrative division (digits), 9–17 the
/// organisation code (GB 11714, its own check character at 17), 18 the check character. Characters come from
/// `0-9` and `A–Y` without I, O, Z, S, V. Check character: weights 3^(i-1) mod 31 over positions 1–17,
/// C18 = 31 − (Σ mod 31), where 31 means 0.
public struct USCC: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// The 31 code characters in value order.
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights: [Int] = (0..<17).map { i in (0..<i).reduce(1) { acc, _ in acc * 3 % 31 } }
    /// Registration authorities of GB 32100-2015 table 1 (position 1).
    static let authorities: Set<UInt8> = Set(Array("123456789ANY".utf8))
    /// GB 11714 weights for the eight body characters of the organisation code.
    static let organisationWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// What is wrong with a code, one case per kind of mistake.
    public enum Problem: String, Sendable {
        case length, character, authority, division, organisationCheck = "organisation_check", check
    }

    /// Validates `text`; codes in `exceptions` (legacy pilot-area codes, from configuration) skip the check
    /// characters but must still have the right length and alphabet.
    public init(_ text: String, exceptions: Set<String> = []) throws(RegistryError) {
        if let problem = Self.problem(text, exempt: exceptions.contains(text)) {
            throw RegistryError(.invalid, field: "uscc", Self.explain(problem, text))
        }
        value = text
    }

    /// The exception list in force while a record is decoded (`Record.decode(kind:from:usccExceptions:at:)`).
    /// `Codable` has no context argument and the strict decoder carries no `userInfo`, so the genesis's list
    /// travels to `init(from:)` as a task-local for the duration of one decode.
    @TaskLocal static var decodingExceptions: Set<String> = []

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text, exceptions: Self.decodingExceptions) } catch { throw DecodingError.dataCorrupted(.init(
            codingPath: decoder.codingPath, debugDescription: error.reason)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    public var description: String { value }

    /// The first problem found, or nil for a valid code.
    public static func problem(_ text: String, exempt: Bool = false) -> Problem? {
        var text = text
        return text.withUTF8 { problem($0, exempt: exempt) }
    }

    /// Each byte's value in `alphabet`, or -1 (the look-up `problem` makes 18 times per code).
    static let values: [Int8] = (0..<256).map { byte in
        alphabet.firstIndex(of: UInt8(byte)).map { Int8($0) } ?? -1
    }

    private static func problem(_ c: UnsafeBufferPointer<UInt8>, exempt: Bool) -> Problem? {
        guard c.count == 18 else { return .length }
        // One table, read through one pointer; the weights 3^i mod 31 are computed as they are used (the static
        // tables cost a lazy-initialisation check per look-up, and the authorities a hash, 18 times per code).
        return values.withUnsafeBufferPointer { values -> Problem? in
            var total = 0, weight = 1
            for i in 0..<18 {
                let value = Int(values[Int(c[i])])
                guard value >= 0 else { return .character }
                if i < 17 { total += value * weight }
                weight = weight * 3 % 31
            }
            if exempt { return nil }
            guard Self.isAuthority(c[0]) else { return .authority }
            for i in 2...7 where !(0x30...0x39).contains(c[i]) { return .division }
            // GB 11714: digits are their value, letters A=10 … Z=35; check 11 − (Σ mod 11), 10 → X, 11 → 0.
            var sum = 0
            for i in 0..<8 {
                let ch = c[8 + i]
                let v = ch <= 0x39 ? Int(ch - 0x30) : Int(ch - 0x41) + 10
                sum += v * Self.organisationWeight(i)
            }
            let orgCheck = 11 - sum % 11
            let expectedOrg: UInt8 = orgCheck == 10 ? UInt8(ascii: "X")
                : orgCheck == 11 ? 0x30 : UInt8(0x30 + orgCheck)
            guard c[16] == expectedOrg else { return .organisationCheck }
            let check = (31 - total % 31) % 31
            guard Int(values[Int(c[17])]) == check else { return .check }
            return nil
        }
    }

    /// `authorities.contains(byte)`.
    static func isAuthority(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "A"), UInt8(ascii: "N"), UInt8(ascii: "Y"): true
        default: false
        }
    }

    /// `organisationWeights[index]`.
    static func organisationWeight(_ index: Int) -> Int {
        switch index {
        case 0: 3
        case 1: 7
        case 2: 9
        case 3: 10
        case 4: 5
        case 5: 8
        case 6: 4
        default: 2
        }
    }

    static func explain(_ problem: Problem, _ text: String) -> String {
        switch problem {
        case .length: return "a USCC has 18 characters, \(FieldCheck.quote(text)) has \(text.count)"
        case .character: return "\(FieldCheck.quote(text)) contains a character outside 0-9 and A-Y without I, O, Z, S, V"
        case .authority: return "\(FieldCheck.quote(text)) starts with an unknown registration authority code (1-9, A, N, Y)"
        case .division: return "positions 3-8 of \(FieldCheck.quote(text)) must be the digits of an administrative division"
        case .organisationCheck: return "the organisation code check character (position 17) of \(FieldCheck.quote(text)) is wrong"
        case .check: return "the check character (position 18) of \(FieldCheck.quote(text)) is wrong"
        }
    }
}

import Hummingbird

/// Strict parsing of the API's decimal parameters (`index`, `size`, `from`, `to`): digits only, no sign, no
/// leading zero, no spaces, within `UInt64` — one number, one spelling, as for tile paths.
enum QueryNumber {
    static func parse(_ text: Substring?, field: String) throws -> UInt64 {
        guard let text, !text.isEmpty else { throw APIError.badParameter(field, "\(field) is required") }
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              text == "0" || text.first != "0" else {
            throw APIError.badParameter(field, "\(field) \"\(text.prefix(32))\" is not a decimal without leading zeros")
        }
        guard let value = UInt64(text) else {
            throw APIError.badParameter(field, "\(field) \(text.prefix(32)) does not fit in 64 bits")
        }
        return value
    }

    /// The query parameter `name`, refusing it given twice (which of two values would a proof be for?).
    static func query(_ request: Request, _ name: String) throws -> UInt64 {
        let values = request.uri.queryParameters[values: Substring(name)]
        guard values.count <= 1 else { throw APIError.badParameter(name, "\(name) is given \(values.count) times") }
        return try parse(values.first, field: name)
    }
}

/// Any key at all: lets a decoder list every key a YAML mapping has, including ones the type does not know.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws `LedgerServerError.invalidConfig` naming the first key of this mapping that `Keys` does not know.
    ///
    /// Codable ignores unknown keys; for a configuration that is a trap: `bodyLimt: 100` would silently leave the
    /// default in force. So every config section calls this first, and a typo stops the daemon with its name.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let known = Set(Keys.allCases.map(\.stringValue))
        let container = try container(keyedBy: AnyCodingKey.self)
        let keys = container.allKeys.sorted { $0.stringValue < $1.stringValue }
        for key in keys where !known.contains(key.stringValue) {
            let path = (codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw LedgerServerError(.invalidConfig, field: path,
                "unknown key \"\(path)\"; known keys here: \(known.sorted().joined(separator: ", "))")
        }
    }
}

extension KeyedDecodingContainer {
    /// The value for `key`, or `fallback` when the key is absent (a present but malformed value still throws).
    func value<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}

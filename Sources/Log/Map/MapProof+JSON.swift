import LedgerCrypto

/// The JSON encoding of DESIGN.md §3: `{"depth":D,"siblings":[…D items, base64, null for an empty subtree],
/// "terminal":null | {"key":"<hex k'>","valueHash":"<hex>"}}`.
///
/// `Codable` so that any JSON coder reads and writes it; `canonicalJSON` writes the RFC 8785 form directly (member
/// names already in order, no string that needs escaping), which is what the server hands out and what proof sizes
/// are measured on. Decoding is strict: the depth must equal the number of siblings, siblings are padded base64 of
/// 32 bytes, terminal hashes are 64 lower-case hex digits, and `terminal` must be present (null when empty).
extension MapProof: Codable {
    private enum Keys: String, CodingKey {
        case depth, siblings, terminal
    }

    private enum TerminalKeys: String, CodingKey {
        case key, valueHash
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let depth = try container.decode(Int.self, forKey: .depth)
        let texts = try container.decode([String?].self, forKey: .siblings)
        guard depth == texts.count, depth <= Self.maxDepth else {
            throw DecodingError.dataCorruptedError(forKey: .depth, in: container, debugDescription:
                "depth \(depth) with \(texts.count) siblings (want equal, at most \(Self.maxDepth))")
        }
        var siblings: [Hash256?] = []
        siblings.reserveCapacity(depth)
        for (i, text) in texts.enumerated() {
            guard let text else {
                siblings.append(nil)
                continue
            }
            guard let hash = Hash256(base64: text), hash.base64 == text else {
                throw DecodingError.dataCorruptedError(forKey: .siblings, in: container, debugDescription:
                    "siblings[\(i)] is not padded base64 of 32 bytes")
            }
            siblings.append(hash)
        }
        guard container.contains(.terminal) else {
            throw DecodingError.keyNotFound(Keys.terminal, DecodingError.Context(codingPath: container.codingPath,
                debugDescription: "terminal is required (null for an empty subtree)"))
        }
        var terminal: Terminal?
        if try !container.decodeNil(forKey: .terminal) {
            let leaf = try container.nestedContainer(keyedBy: TerminalKeys.self, forKey: .terminal)
            func hash(_ key: TerminalKeys) throws -> Hash256 {
                let text = try leaf.decode(String.self, forKey: key)
                guard let hash = Hash256(hex: text), hash.hex == text else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: leaf, debugDescription:
                        "\(key.rawValue) is not 64 lower-case hex digits")
                }
                return hash
            }
            terminal = Terminal(key: try hash(.key), valueHash: try hash(.valueHash))
        }
        self.init(siblings: siblings, terminal: terminal)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(depth, forKey: .depth)
        try container.encode(siblings.map { $0?.base64 }, forKey: .siblings)
        if let terminal {
            var leaf = container.nestedContainer(keyedBy: TerminalKeys.self, forKey: .terminal)
            try leaf.encode(terminal.key.hex, forKey: .key)
            try leaf.encode(terminal.valueHash.hex, forKey: .valueHash)
        } else {
            try container.encodeNil(forKey: .terminal)
        }
    }

    /// The RFC 8785 canonical JSON of the proof, as a string.
    public var canonicalJSON: String {
        var out = "{\"depth\":\(depth),\"siblings\":["
        out.reserveCapacity(64 + 47 * depth + 150)
        for (i, sibling) in siblings.enumerated() {
            if i > 0 { out += "," }
            if let sibling {
                out += "\""
                out += sibling.base64
                out += "\""
            } else {
                out += "null"
            }
        }
        out += "],\"terminal\":"
        if let terminal {
            out += "{\"key\":\"\(terminal.key.hex)\",\"valueHash\":\"\(terminal.valueHash.hex)\"}"
        } else {
            out += "null"
        }
        out += "}"
        return out
    }
}

/// Strict parsing of C2SP tlog-tiles paths: the inverse of `TilePath.path`, and nothing else.
extension TilePath {
    /// Parses `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (no leading slash: the HTTP layer strips it).
    ///
    /// - Throws: `MerkleError.malformedTilePath` naming the first offending part, e.g. `<L>` with a leading zero,
    ///   an `<N>` group that is not `x` + 3 digits, a leading `x000` group, an index beyond `UInt64`, `<W>`
    ///   outside 1…255, empty or `..` segments, or segments after `<W>`.
    public init(parsing text: some StringProtocol) throws(MerkleError) {
        let segments = Array(text.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { Array($0) }
        guard segments.count >= 3, segments[0] == Array("tile".utf8) else {
            throw Self.failure("path", "\"\(text.prefix(32))\" does not start with tile/<L>/ or tile/entries/")
        }
        let isEntries = segments[1] == Array("entries".utf8)
        var level: UInt8 = 0
        if !isEntries {
            guard let value = Self.canonicalDecimal(segments[1]), value <= 63 else {
                throw Self.failure("level", "tile level \"\(String(decoding: segments[1], as: UTF8.self))\" "
                    + "is not a decimal 0...63 without leading zeros")
            }
            level = UInt8(value)
        }
        var groups = Array(segments[2...])
        var width = TileLayout.width
        if groups.count >= 2, groups[groups.count - 2].suffix(2).elementsEqual(".p".utf8) {
            let widthText = groups.removeLast()
            guard let value = Self.canonicalDecimal(widthText), (1...255).contains(value) else {
                throw Self.failure("width", "partial width \"\(String(decoding: widthText, as: UTF8.self))\" "
                    + "is not a decimal 1...255 without leading zeros")
            }
            width = Int(value)
            groups[groups.count - 1].removeLast(2)
        }
        let index = try Self.parseIndex(groups)
        self = isEntries ? try TilePath.entries(index: index, width: width)
            : try TilePath(level: level, index: index, width: width)
    }

    /// `<N>`: groups `x` + 3 digits, then a last group of 3 digits, with no leading `x000` group.
    private static func parseIndex(_ groups: [[UInt8]]) throws(MerkleError) -> UInt64 {
        var index: UInt64 = 0
        for (i, group) in groups.enumerated() {
            let isLast = i == groups.count - 1
            let digits = isLast ? group[...] : group.dropFirst()
            let text = String(decoding: group, as: UTF8.self)
            guard isLast || group.first == UInt8(ascii: "x"), digits.count == 3,
                  digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
                throw failure("index", "index group \"\(text.prefix(32))\" is not \(isLast ? "" : "x + ")3 digits")
            }
            let value = digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
            guard i > 0 || isLast || value > 0 else {
                throw failure("index", "index has a leading zero group \"\(text)\"")
            }
            let (scaled, overflow1) = index.multipliedReportingOverflow(by: 1000)
            let (sum, overflow2) = scaled.addingReportingOverflow(value)
            guard !overflow1, !overflow2 else { throw failure("index", "tile index does not fit in 64 bits") }
            index = sum
        }
        return index
    }

    /// A decimal without sign or leading zeros ("0" itself allowed), at most 3 digits.
    private static func canonicalDecimal(_ bytes: [UInt8]) -> UInt64? {
        guard (1...3).contains(bytes.count), bytes.count == 1 || bytes[0] != UInt8(ascii: "0"),
              bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return bytes.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
    }

    private static func failure(_ field: String, _ reason: String) -> MerkleError {
        MerkleError(.malformedTilePath, field: field, reason)
    }
}

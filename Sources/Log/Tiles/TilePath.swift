/// A C2SP tlog-tiles resource path: a hash tile `tile/<L>/<N>[.p/<W>]` or an entry bundle
/// `tile/entries/<N>[.p/<W>]`.
///
/// `<N>` is written in 3-digit groups, all but the last prefixed `x` (index 1234067 → `x001/x234/067`), so that a
/// file system can hold the tiles without a file and a directory sharing a name. Parsing is strict: exactly the
/// spelling `path` produces is accepted (no leading zero group, no leading zeros in `<L>` or `<W>`, no empty,
/// `.` or `..` segments, nothing after `<W>`), so one resource has one name.
public struct TilePath: Hashable, Sendable, CustomStringConvertible {
    /// The tile level `<L>` (0…63); 0 for entry bundles.
    public let level: UInt8
    /// The tile index `<N>`.
    public let index: UInt64
    /// Number of hashes (or entries): 256 for a full tile, 1…255 for a partial one (`.p/<W>`).
    public let width: Int
    /// Whether this is an entry bundle (`tile/entries/…`) rather than a hash tile.
    public let isEntries: Bool

    /// A hash tile path.
    ///
    /// - Throws: `MerkleError.malformedTilePath` for a level above 63 or a width outside 1…256.
    public init(level: UInt8, index: UInt64, width: Int = TileLayout.width) throws(MerkleError) {
        guard level <= 63 else {
            throw MerkleError(.malformedTilePath, field: "level", "tile level \(level) is above 63")
        }
        try Self.checkWidth(width)
        self.init(validLevel: level, index: index, width: width)
    }

    /// An entry bundle path.
    ///
    /// - Throws: `MerkleError.malformedTilePath` for a width outside 1…256.
    public static func entries(index: UInt64, width: Int = TileLayout.width) throws(MerkleError) -> TilePath {
        try checkWidth(width)
        return TilePath(level: 0, index: index, width: width, isEntries: true)
    }

    init(validLevel level: UInt8, index: UInt64, width: Int) {
        self.init(level: level, index: index, width: width, isEntries: false)
    }

    private init(level: UInt8, index: UInt64, width: Int, isEntries: Bool) {
        self.level = level
        self.index = index
        self.width = width
        self.isEntries = isEntries
    }

    private static func checkWidth(_ width: Int) throws(MerkleError) {
        guard (1...TileLayout.width).contains(width) else {
            throw MerkleError(.malformedTilePath, field: "width", "tile width \(width) is outside 1...256")
        }
    }

    /// Whether the tile is partial (`.p/<W>`).
    public var isPartial: Bool { width < TileLayout.width }

    /// The store key of the tile. For an entry bundle, the key of the level-0 hash tile over the same entries.
    public var key: TileKey { TileKey(level: level, index: index) }

    /// The path without a leading slash, e.g. `tile/1/x001/x234/067.p/8`.
    public var path: String {
        var groups: [UInt64] = []
        var rest = index
        repeat {
            groups.append(rest % 1000)
            rest /= 1000
        } while rest > 0
        var text = isEntries ? "tile/entries" : "tile/\(level)"
        for (i, group) in groups.reversed().enumerated() {
            let digits = String(group)
            let padded = String(repeating: "0", count: 3 - digits.count) + digits
            text += i == groups.count - 1 ? "/\(padded)" : "/x\(padded)"
        }
        if isPartial { text += ".p/\(width)" }
        return text
    }

    /// The path, as `path` spells it.
    public var description: String { path }
}

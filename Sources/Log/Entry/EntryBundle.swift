/// A C2SP tlog-tiles entry bundle: the entries of one tile (up to 256), each as a big-endian uint16 length followed
/// by the entry bytes. Served at `tile/entries/<N>[.p/<W>]`.
public enum EntryBundle {
    /// Encodes entries in order. Every entry must be at most 65,535 bytes (the sequencer guarantees it).
    public static func encode(_ entries: [[UInt8]]) throws(LogError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(entries.reduce(0) { $0 + $1.count + 2 })
        for (i, entry) in entries.enumerated() {
            guard entry.count <= LogEntry.maxBytes else {
                throw LogError(.entryTooLarge, field: "entries[\(i)]", "entry of \(entry.count) bytes cannot be bundled")
            }
            out.append(UInt8(entry.count >> 8))
            out.append(UInt8(entry.count & 0xFF))
            out += entry
        }
        return out
    }

    /// Decodes a bundle; the bytes must split exactly into length-prefixed entries, at most `maxEntries` of them.
    public static func decode(_ bytes: [UInt8], maxEntries: Int = 256) throws(LogError) -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var pos = 0
        while pos < bytes.count {
            guard entries.count < maxEntries else {
                throw LogError(.malformedEntry, field: "bundle", "more than \(maxEntries) entries in one bundle")
            }
            guard bytes.count - pos >= 2 else {
                throw LogError(.malformedEntry, field: "bundle", "truncated length prefix at byte \(pos)")
            }
            let length = Int(bytes[pos]) << 8 | Int(bytes[pos + 1])
            pos += 2
            guard bytes.count - pos >= length else {
                throw LogError(.malformedEntry, field: "bundle",
                               "entry \(entries.count) claims \(length) bytes but only \(bytes.count - pos) remain")
            }
            entries.append(Array(bytes[pos..<(pos + length)]))
            pos += length
        }
        return entries
    }
}

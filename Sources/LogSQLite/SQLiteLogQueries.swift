import Log

/// The handful of statements the store needs, run on a connection inside its worker's queue.
///
/// The stored size is the largest checkpoint size: every batch writes its checkpoint in the same transaction as
/// its entries, so the two can never disagree after a commit, and there is no separate counter to drift.
enum SQLiteLogQueries {
    /// C2SP tlog-tiles entry bundles prefix each entry with a uint16 length.
    static let maxEntryBytes = 65_535

    static func head(_ db: SQLiteConnection) throws -> LogHead? {
        var head: LogHead?
        try db.run("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1") { row in
            head = LogHead(size: try unsigned(row.integer(0), "checkpoint size"), checkpoint: row.blob(1))
        }
        return head
    }

    static func size(_ db: SQLiteConnection) throws -> UInt64 {
        var size: UInt64 = 0
        try db.run("SELECT MAX(size) FROM checkpoints") { row in
            if !row.isNull(0) { size = try unsigned(row.integer(0), "checkpoint size") }
        }
        return size
    }

    /// The whole batch in one `BEGIN IMMEDIATE` transaction; the size check inside it is the compare-and-swap.
    static func append(_ batch: LogBatch, _ db: SQLiteConnection) throws {
        try db.transaction(immediate: true) {
            let size = try size(db)
            guard batch.firstIndex == size else {
                throw LogStoreError(.conflict,
                    "batch starts at index \(batch.firstIndex) but the log holds \(size) entries")
            }
            var index = Int64(size)   // size came from an INTEGER column, so it fits
            let insert = try db.prepared("INSERT INTO entries (idx, data) VALUES (?, ?)")
            for entry in batch.entries {
                try db.run(insert, [.integer(index), .blob(entry)])
                index += 1
            }
            for (key, tile) in batch.tiles {
                guard let tileIndex = Int64(exactly: key.index) else {
                    throw LogStoreError(.outOfRange, "\(key) index does not fit a signed 64-bit integer")
                }
                try db.run("INSERT OR REPLACE INTO tiles (level, idx, data) VALUES (?, ?, ?)",
                    [.integer(Int64(key.level)), .integer(tileIndex), .blob(tile)])
            }
            // An empty batch re-publishes the checkpoint of the current size (e.g. with new cosignatures);
            // any other batch ends at a size that has no checkpoint yet.
            let verb = batch.entries.isEmpty ? "INSERT OR REPLACE" : "INSERT"
            try db.run("\(verb) INTO checkpoints (size, note) VALUES (?, ?)",
                [.integer(index), .blob(batch.checkpoint)])
        }
    }

    /// Reads the size and the rows in one snapshot, so a concurrent append cannot slip between the two.
    static func entries(_ range: Range<UInt64>, _ db: SQLiteConnection) throws -> [[UInt8]] {
        try db.transaction(immediate: false) {
            let size = try size(db)
            guard range.upperBound <= size else {
                throw LogStoreError(.outOfRange,
                    "entries \(range.lowerBound)..<\(range.upperBound) reach past tree size \(size)")
            }
            var result: [[UInt8]] = []
            result.reserveCapacity(range.count)
            var expected = range.lowerBound
            try db.run("SELECT idx, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
                [.integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))]
            ) { row in
                guard row.integer(0) == Int64(expected) else {
                    throw LogStoreError(.corrupt, "entry \(expected) is missing below tree size \(size)")
                }
                result.append(row.blob(1))
                expected += 1
            }
            guard expected == range.upperBound else {
                throw LogStoreError(.corrupt, "entry \(expected) is missing below tree size \(size)")
            }
            return result
        }
    }

    static func tile(_ key: TileKey, _ db: SQLiteConnection) throws -> [UInt8]? {
        guard let index = Int64(exactly: key.index) else { return nil }
        var tile: [UInt8]?
        try db.run("SELECT data FROM tiles WHERE level = ? AND idx = ?",
            [.integer(Int64(key.level)), .integer(index)]) { row in tile = row.blob(0) }
        return tile
    }

    static func checkpoint(size: UInt64, _ db: SQLiteConnection) throws -> [UInt8]? {
        guard let signed = Int64(exactly: size) else { return nil }
        var note: [UInt8]?
        try db.run("SELECT note FROM checkpoints WHERE size = ?", [.integer(signed)]) { row in note = row.blob(0) }
        return note
    }

    static func metadata(_ key: String, _ db: SQLiteConnection) throws -> String? {
        var value: String?
        try db.run("SELECT value FROM metadata WHERE key = ?", [.text(key)]) { row in value = row.text(0) }
        return value
    }

    /// Set-once: the same value again is a no-op, a different one a `.conflict`.
    static func setMetadata(_ key: String, _ value: String, _ db: SQLiteConnection) throws {
        try db.transaction(immediate: true) {
            if let existing = try metadata(key, db) {
                guard existing == value else {
                    throw LogStoreError(.conflict,
                        "metadata \"\(key)\" already holds \"\(existing)\"; refusing to change it to \"\(value)\"")
                }
                return
            }
            try db.run("INSERT INTO metadata (key, value) VALUES (?, ?)", [.text(key), .text(value)])
        }
    }

    /// Checks on open that no entry lies beyond the head checkpoint (an O(log n) look at the last index).
    /// Refuses a file whose pages are damaged: a truncated file, a page overwritten with garbage, a broken b-tree.
    ///
    /// `PRAGMA quick_check` walks every page of every table (https://sqlite.org/pragma.html#pragma_quick_check), so
    /// damage in a part that start-up never reads (old checkpoints, a full tile) is found at open instead of as a
    /// 503 on some later request, or not at all by an audit that reads only what the tree needs. It costs about
    /// 2 s per million entries with the file in the page cache (≈ 800 MB), small beside the Registry replay that
    /// reads every entry anyway. It checks structure, not content: content is what the audit's hashes check.
    /// The file is read into the page cache in order first (`FilePrefetch`): the check's own page-by-page walk on a
    /// cold file is an order of magnitude slower.
    static func checkPages(_ db: SQLiteConnection) throws {
        FilePrefetch.willNeed(path: db.path)
        var problems: [String] = []
        try db.run("PRAGMA quick_check(5)") { row in problems.append(row.isNull(0) ? "?" : row.text(0)) }
        guard problems != ["ok"] else { return }
        throw LogStoreError(.corrupt, "\(db.path) is damaged (truncated or overwritten?): PRAGMA quick_check "
            + "reports: " + problems.joined(separator: "; "))
    }

    static func checkConsistency(_ db: SQLiteConnection) throws {
        let size = try size(db)
        var last: Int64?
        try db.run("SELECT MAX(idx) FROM entries") { row in if !row.isNull(0) { last = row.integer(0) } }
        var stored: UInt64 = 0
        if let last { stored = try unsigned(last, "entry index") + 1 }
        guard stored == size else {
            throw LogStoreError(.corrupt, "\(db.path): entries reach index \(stored) but the head checkpoint is "
                + "for size \(size)", index: min(stored, size))
        }
    }

    private static func unsigned(_ value: Int64, _ what: String) throws -> UInt64 {
        guard let result = UInt64(exactly: value) else {
            throw LogStoreError(.corrupt, "\(what) \(value) is negative")
        }
        return result
    }
}

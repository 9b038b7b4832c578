/// Memory-mapped reading for a read-only connection that walks the whole file (the audit): SQLite reads the pages
/// of the main file through a map (`PRAGMA mmap_size`, https://sqlite.org/mmap.html) instead of one `pread` per
/// page into its page cache. On this machine each `pread` of a page cost ≈ 5 µs of kernel time (≈ 1.4 µs per audited
/// entry); a mapped page costs a share of one fault per 16 pages and no copy, and the entry's bytes are copied once,
/// from the map into the `[UInt8]` the store returns.
///
/// What stays the same: the answers (SQLite reads the same pages; WAL frames are still read with `pread`, and a file
/// that grew is mapped again at the next read transaction), and the write side, which never maps (only stores
/// opened with `SQLiteLogStore.openReadOnly` use this).
///
/// What needs care is memory: every mapped page the process has touched counts in its resident set until it is
/// unmapped, so a whole-file map would make an audit's RSS grow with the ledger (≈ 1 GB at a million entries)
/// although those pages are the kernel's file cache. So after about `window` bytes of entries read, the map is
/// dropped and made afresh (a different `mmap_size` makes SQLite unmap and map the file again; at most a few
/// hundred times per million entries): the pages touched since stay bounded by the window, and memory stays flat.
final class SQLiteMappedReads {
    /// Bytes of entries read between two fresh maps.
    let window: Int
    /// The map's size limit as SQLite took it (it clamps to its build's `SQLITE_MAX_MMAP_SIZE`); the file beyond it,
    /// if any, is read with `pread`.
    private(set) var limit: Int64 = 0
    /// Times the map was made afresh (for tests).
    private(set) var remaps = 0
    private var sinceRemap = 0
    private var lowered = false

    /// Asks for the largest map SQLite allows on `db`; nil when this SQLite build does not map files at all.
    static func enable(on db: SQLiteConnection, window: Int) throws -> SQLiteMappedReads? {
        try db.exec("PRAGMA mmap_size = \(Int64(1) << 40)")
        guard let granted = try db.scalarText("PRAGMA mmap_size").flatMap({ Int64($0) }), granted > 1 << 20 else {
            try db.exec("PRAGMA mmap_size = 0")
            return nil
        }
        return SQLiteMappedReads(window: window, limit: granted)
    }

    private init(window: Int, limit: Int64) {
        self.window = max(1, window)
        self.limit = limit
    }

    /// Counts `bytes` read on `db` (outside a transaction: SQLite changes the map only when no page of it is in
    /// use); once they pass the window, the map is dropped and made again.
    func didRead(_ bytes: Int, on db: SQLiteConnection) throws {
        sinceRemap += bytes
        guard sinceRemap >= window else { return }
        sinceRemap = 0
        // Two limits a map's page apart: setting the other one is a change, which unmaps and maps again.
        lowered.toggle()
        try db.exec("PRAGMA mmap_size = \(lowered ? limit - 65_536 : limit)")
        remaps += 1
    }
}

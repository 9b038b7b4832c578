#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Says why the storage under a store file refuses writes, in facts an operator can act on.
///
/// SQLite reports a failed write as "disk I/O error" or "database or disk is full" and, for a failed COMMIT, often
/// without the system's errno (`sqlite3_system_errno` is set only on some paths). So after such a failure the store
/// looks for itself: a read-only file system (`statvfs`), a full one, or a file that reached the process's file
/// size limit (`RLIMIT_FSIZE`, which makes writes fail with EFBIG once SIGXFSZ is ignored).
enum StorageProbe {
    /// Below this many free bytes a file system counts as full: SQLite needs a few pages for a WAL frame set.
    static let nearlyFull: UInt64 = 1 << 20

    /// The findings for the store at `path` (its folder, its `-wal` and `-shm` files), or nil if nothing is wrong.
    static func explain(storeAt path: String) -> String? {
        var findings: [String] = []
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var info = statvfs()
        if statvfs(folder.isEmpty ? "/" : folder, &info) == 0 {
            let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
            let total = UInt64(info.f_blocks) * UInt64(info.f_frsize)
            if info.f_flag & UInt(ST_RDONLY) != 0 {
                findings.append("the file system holding \(folder) is read-only")
            } else if free < nearlyFull {
                findings.append("the file system holding \(folder) is full (\(free) bytes free of \(total))")
            }
        }
        var limit = rlimit()   // RLIM_INFINITY is all ones (the macro does not import as unsigned)
        if getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max {
            for file in [path, path + "-wal", path + "-shm"] {
                var status = stat()
                guard stat(file, &status) == 0, UInt64(status.st_size) + 65_536 >= UInt64(limit.rlim_cur) else {
                    continue
                }
                findings.append("\(file) is \(status.st_size) bytes, at the process's file size limit "
                    + "(RLIMIT_FSIZE) of \(limit.rlim_cur) bytes")
            }
        }
        return findings.isEmpty ? nil : findings.joined(separator: "; ")
    }
}

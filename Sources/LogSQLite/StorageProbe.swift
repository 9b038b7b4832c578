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
/// size limit (`RLIMIT_FSIZE`, which makes writes fail with EFBIG once SIGXFSZ is ignored), and when in doubt it
/// writes a small probe file next to the store and reports what the system said.
enum StorageProbe {
    /// Below this many free bytes a file system counts as full: SQLite needs a few pages for a WAL frame set.
    static let nearlyFull: UInt64 = 1 << 20

    /// The findings for the store at `path` (its folder, its `-wal` and `-shm` files), or nil if nothing is wrong.
    static func explain(storeAt path: String) -> String? {
        var findings: [String] = []
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var info = statvfs()
        let known = statvfs(folder.isEmpty ? "/" : folder, &info) == 0
        let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
        let total = UInt64(info.f_blocks) * UInt64(info.f_frsize)
        // A file system forced read-only after an error (ext4 errors=remount-ro) may not say so in statvfs's
        // flags, so the folder is asked the way SQLite met it: by writing.
        let probe = probeWrite(in: folder)
        if (known && info.f_flag & UInt(ST_RDONLY) != 0) || probe == EROFS {
            findings.append("the file system holding \(folder) is read-only")
        } else if probe == ENOSPC || probe == EDQUOT || (known && free < nearlyFull) {
            findings.append("the file system holding \(folder) is full (\(free) bytes free of \(total))")
        } else if let probe, probe != EFBIG {
            findings.append("writing a probe file in \(folder) fails: \(String(cString: strerror(probe)))")
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

    /// Creates, writes 4 KiB to, syncs and removes a probe file in `folder`; the errno of the first step that
    /// failed, or nil if all succeeded. Run only after a write failed, so its cost does not matter.
    static func probeWrite(in folder: String) -> Int32? {
        let file = folder + "/.certledger-write-probe-\(getpid())"
        let fd = open(file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return errno }
        defer {
            close(fd)
            unlink(file)
        }
        let page = [UInt8](repeating: 0, count: 4096)
        if page.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) != 4096 { return errno == 0 ? EIO : errno }
        return fsync(fd) == 0 ? nil : errno
    }
}

import Foundation

/// Writes an executable script (mode 0755) at `path`, replacing any file there, through a descriptor that no child
/// process can inherit.
///
/// Tests start processes from many threads at once. A script written with `String.write(toFile:)` and made
/// executable with `chmod` is open for writing for a moment, and a process forked by another test in that moment
/// keeps the descriptor (it is not close-on-exec) for as long as it lives: every `exec` of the script then fails
/// with ETXTBSY ("Text file busy"), which shows up as a stand-in that never ran.
public func writeExecutableScript(_ text: String, to path: String) throws {
    unlink(path)
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
    guard fd >= 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                        "reason": String(cString: strerror(errno))])
    }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if result < 0, errno == EINTR { continue }
        guard result > 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                            "reason": String(cString: strerror(errno))])
        }
        written += result
    }
    // The mode asked of open(2) is masked by the umask.
    guard fchmod(fd, 0o755) == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "reason": "fchmod failed"])
    }
}

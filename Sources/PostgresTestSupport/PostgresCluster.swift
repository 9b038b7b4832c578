import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL cluster: `initdb` into a fresh temporary folder, `pg_ctl start` listening on 127.0.0.1
/// only (and a Unix socket inside that folder), on a port nobody else holds, trust authentication for
/// `certledger_test`, `fsync` on (the store refuses a server without it).
///
/// PostgreSQL refuses to run as root. When the tests run as root (CI containers, this machine) the server runs as
/// an unprivileged account — `CERTLEDGER_TEST_POSTGRES_OSUSER`, else `postgres` (made by Debian's packages), else
/// `nobody` — through `runuser`, and the folder is handed to that account.
///
/// Clean-up does not depend on the test process ending well: a detached watchdog (`setsid sh`) polls the test
/// process's pid every second and, once it is gone, stops the server (`-m immediate`) and deletes the folder.
struct PostgresCluster {
    static let user = "certledger_test"
    let url: String

    static func start() async throws -> PostgresCluster {
        let bin = try binDirectory()
        let account = try serverAccount()
        let folder = try makeFolder(owner: account)
        let data = folder + "/data"
        let wrap = account.map { ["/usr/sbin/runuser", "-u", $0.name, "--"] } ?? []
        try await run(wrap + ["\(bin)/initdb", "-D", data, "-U", user, "--auth=trust", "-E", "UTF8", "--no-locale",
                              "--no-sync"], log: folder + "/initdb.out", what: "initdb")
        var lastFailure = ""
        for _ in 0..<3 {   // a free port can be taken between our probe and the server's bind: try another
            let port = try freePort()
            let options = "-h 127.0.0.1 -p \(port) -k \(folder) -c fsync=on -c max_connections=200"
            do {
                try await run(wrap + ["\(bin)/pg_ctl", "-D", data, "-l", folder + "/server.log", "-o", options,
                                      "-w", "-t", "60", "start"], log: folder + "/pg_ctl.out", what: "pg_ctl start")
                try startWatchdog(bin: bin, wrap: wrap, data: data, folder: folder)
                return PostgresCluster(url: "postgres://\(user)@127.0.0.1:\(port)/postgres")
            } catch let error as PostgresTestServerError {
                lastFailure = error.description + "\n" + tail(of: folder + "/server.log")
            }
        }
        try? FileManager.default.removeItem(atPath: folder)
        throw PostgresTestServerError("the throw-away PostgreSQL cluster did not start: \(lastFailure)")
    }

    /// A hot standby of `primary`: `pg_basebackup -R` of it into a fresh folder, started on a port of its own. The
    /// primary's `initdb --auth=trust` already lets local replication connections in.
    static func startStandby(of primary: PostgresCluster) async throws -> PostgresCluster {
        let bin = try binDirectory()
        let account = try serverAccount()
        let folder = try makeFolder(owner: account)
        let data = folder + "/data"
        let wrap = account.map { ["/usr/sbin/runuser", "-u", $0.name, "--"] } ?? []
        let address = primary.url.split(separator: "@").last?.split(separator: "/").first ?? ""
        let parts = address.split(separator: ":")
        guard parts.count == 2 else { throw PostgresTestServerError("cannot read host:port from \(primary.url)") }
        try await run(wrap + ["\(bin)/pg_basebackup", "-h", String(parts[0]), "-p", String(parts[1]), "-U", user,
                              "-D", data, "-R", "-X", "stream", "--no-sync"],
                      log: folder + "/basebackup.out", what: "pg_basebackup")
        let port = try freePort()
        let options = "-h 127.0.0.1 -p \(port) -k \(folder) -c fsync=on -c max_connections=200 -c hot_standby=on"
        try await run(wrap + ["\(bin)/pg_ctl", "-D", data, "-l", folder + "/server.log", "-o", options,
                              "-w", "-t", "60", "start"], log: folder + "/pg_ctl.out", what: "pg_ctl start (standby)")
        try startWatchdog(bin: bin, wrap: wrap, data: data, folder: folder)
        return PostgresCluster(url: "postgres://\(user)@127.0.0.1:\(port)/postgres")
    }

    /// `CERTLEDGER_PG_BINDIR`, else the newest `/usr/lib/postgresql/N/bin` (Debian), else `initdb` on the PATH.
    static func binDirectory() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["CERTLEDGER_PG_BINDIR"], !dir.isEmpty { return dir }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        for dir in (environment["PATH"] ?? "").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(dir)/initdb") {
            return String(dir)
        }
        throw PostgresTestServerError("""
            PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on the PATH. \
            Install them (Scripts/install-deps installs postgresql), point CERTLEDGER_PG_BINDIR at them, or set \
            \(PostgresTestServer.urlVariable) to a running server.
            """)
    }

    /// nil when not root (the server runs as us); otherwise the account the server must run as.
    private static func serverAccount() throws -> (name: String, uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0 else { return nil }
        let wanted = ProcessInfo.processInfo.environment["CERTLEDGER_TEST_POSTGRES_OSUSER"].map { [$0] }
            ?? ["postgres", "nobody"]
        for name in wanted {
            if let entry = getpwnam(name) { return (name, entry.pointee.pw_uid, entry.pointee.pw_gid) }
        }
        throw PostgresTestServerError("running as root, and none of the accounts \(wanted) exists to run "
            + "PostgreSQL as (initdb refuses root); set CERTLEDGER_TEST_POSTGRES_OSUSER")
    }

    private static func makeFolder(owner: (name: String, uid: uid_t, gid: gid_t)?) throws -> String {
        var template = Array("/tmp/certledger-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw PostgresTestServerError("cannot make a folder under /tmp: \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        if let owner, chown(folder, owner.uid, owner.gid) != 0 {
            throw PostgresTestServerError("cannot hand \(folder) to \(owner.name): \(String(cString: strerror(errno)))")
        }
        return folder
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresTestServerError("socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            throw PostgresTestServerError("cannot find a free port: \(String(cString: strerror(errno)))")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops the server and removes the folder once this process is gone, however it ends.
    private static func startWatchdog(bin: String, wrap: [String], data: String, folder: String) throws {
        let stop = (wrap + ["\(bin)/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]).map(quoted)
            .joined(separator: " ")
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stop); rm -rf \(quoted(folder))"
        _ = try spawn(["/usr/bin/setsid", "/bin/sh", "-c", script], output: "/dev/null")
    }

    /// Runs a command to completion; output goes to `log`, shown if it fails. The wait happens on a GCD thread.
    private static func run(_ command: [String], log: String, what: String) async throws {
        let pid = try spawn(command, output: log)
        let status: Int32 = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        // WIFEXITED / WEXITSTATUS are macros: an exit is a zero low byte, the code is the next one.
        let exited = status & 0x7F == 0
        guard exited, (status >> 8) & 0xFF == 0 else {
            let how = exited ? "exited with status \((status >> 8) & 0xFF)" : "died of signal \(status & 0x7F)"
            throw PostgresTestServerError("\(what) \(how): \(tail(of: log))")
        }
    }

    /// `posix_spawn` rather than Foundation's `Process`: on Linux `Process` learns that a child ended from an fd the
    /// child inherits, and `pg_ctl start` leaves the server (its grandchild) holding that fd — the wait would last
    /// as long as the server. Standard input is /dev/null, output and errors go to `output`.
    static func spawn(_ command: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else: other tests run concurrently in this process and hold pipes to their own children. A server
        // or watchdog that inherited the write end of such a pipe would keep it open for the whole run, and the test
        // reading it to EOF would wait forever (seen in CI: a keygen test stuck on a finished `openssl`).
        // (glibc ≥ 2.34 has the call, but its header hides it from Swift: it is looked up by name.)
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, nil, &argv, environ)
        guard result == 0 else {
            throw PostgresTestServerError("cannot run \(command[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    private static func tail(of path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    private static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

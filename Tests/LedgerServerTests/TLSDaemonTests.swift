import ChildProcessSupport
import Foundation
import LedgerClient
import Testing

/// HTTPS end to end, with a throw-away private CA made by the `openssl` command line: the daemon binary serves TLS
/// itself (`tls:` in its config), `certledger submit` and `certledger verify --server https://… --ca-file CA` work
/// against it, a client without the CA is refused (exit 3, naming TLS), and SIGHUP swaps in a renewed certificate
/// (from another CA) for new connections without a restart.
@Suite(.serialized) struct TLSDaemonTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static var bin: String { DaemonProcess.executable.deletingLastPathComponent().path }

    /// `openssl` with `arguments` in `folder`; fails the test with its stderr otherwise.
    func openssl(_ arguments: [String], in folder: String) async throws {
        let run = try await ProgramRun.run("/usr/bin/openssl", arguments, directory: folder)
        guard run.status == 0 else { throw DaemonProcessError("openssl \(arguments.first ?? ""): \(run.errors)") }
    }

    /// A CA named `name` (`name-ca.pem`) and a certificate for 127.0.0.1 it signed (`name-server.pem`, `.key`).
    func makeCA(_ name: String, in folder: String) async throws {
        try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
                           "2",
                           "-subj", "/CN=CertLedger test CA \(name)", "-keyout", "\(name)-ca.key", "-out",
                           "\(name)-ca.pem",
                           "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
                          in: folder)
        try await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                           "/CN=127.0.0.1",
                           "-keyout", "\(name)-server.key", "-out", "\(name)-server.csr"], in: folder)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            .write(toFile: folder + "/\(name)-ext.cnf", atomically: true, encoding: .utf8)
        try await openssl(["x509", "-req", "-in", "\(name)-server.csr", "-CA", "\(name)-ca.pem", "-CAkey",
                           "\(name)-ca.key",
                           "-CAcreateserial", "-days", "2", "-extfile", "\(name)-ext.cnf", "-out",
                           "\(name)-server.pem"],
                          in: folder)
        chmod(folder + "/\(name)-server.key", 0o600)
    }

    func certledger(_ arguments: [String], in folder: String) async throws -> ProgramRun {
        try await ProgramRun.run(Self.bin + "/certledger", arguments, directory: folder)
    }

    @Test func httpsDaemon_withAPrivateCA_verifiesEndToEnd_andReloadsItsCertificateOnSIGHUP() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-tls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await makeCA("one", in: folder)
        try await makeCA("two", in: folder)
        try FileManager.default.copyItem(atPath: folder + "/one-server.pem", toPath: folder + "/server.pem")
        try FileManager.default.copyItem(atPath: folder + "/one-server.key", toPath: folder + "/server.key")
        try """
            listen: {port: 0}
            tls:
              certificate: \(folder)/server.pem
              key: \(folder)/server.key
            """.write(toFile: folder + "/tls.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(arguments: ["--dev", "--config", folder + "/tls.yaml", "--port", "0"],
                                       directory: folder)
        let port = try await daemon.waitForPort()
        let server = "https://127.0.0.1:\(port)"
        let vkey = "@" + folder + "/dev-ledger/checkpoint.vkey"
        let examples = Self.repository + "/Config/examples"

        // Submit and verify over HTTPS, trusting the private CA only.
        let submit = try await certledger(["submit", "--department", "demo-amr",
                                           "--key", "dev-ledger/departments/demo-amr.key",
                                           examples + "/license-issue.json",
                                           "--verifier-key", vkey, "--server", server, "--ca-file", "one-ca.pem"],
                                           in: folder)
        #expect(submit.status == 0, "\(submit.output) \(submit.errors)")
        let verify = try await certledger(["verify", "license", "91350100MA2YDE7W7J", "--verifier-key", vkey,
                                           "--server", server, "--ca-file", "one-ca.pem"], in: folder)
        #expect(verify.status == 0, "\(verify.output) \(verify.errors)")
        #expect(verify.output.contains("AUTHENTIC"), "\(verify.output)")

        // Without the CA (the system's roots do not know it), or with another CA: refused before any question.
        for ca in [[], ["--ca-file", "two-ca.pem"]] {
            let refused = try await certledger(["checkpoint", "--verifier-key", vkey, "--server", server] + ca,
                                                in: folder)
            #expect(refused.status == 3, "\(ca): \(refused.output) \(refused.errors)")
            #expect(refused.errors.contains("TLS"), "\(refused.errors)")
        }
        // Plain HTTP to the TLS port gets no answer it could take for one.
        let plain = try await certledger(["checkpoint", "--verifier-key", vkey, "--server", "http://127.0.0.1:\(port)",
                                          "--timeout", "5"], in: folder)
        #expect(plain.status != 0)

        // A renewed certificate from CA two, then SIGHUP: new connections are served with it.
        for (from, to) in [("two-server.pem", "server.pem"), ("two-server.key", "server.key")] {
            try FileManager.default.removeItem(atPath: folder + "/" + to)
            try FileManager.default.copyItem(atPath: folder + "/" + from, toPath: folder + "/" + to)
        }
        kill(daemon.process.processIdentifier, SIGHUP)
        var renewed: ProgramRun?
        for _ in 0..<50 {
            let run = try await certledger(["checkpoint", "--verifier-key", vkey, "--server", server,
                                            "--ca-file", "two-ca.pem"], in: folder)
            if run.status == 0 { renewed = run; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(renewed != nil, "the renewed certificate was not served after SIGHUP: \(daemon.standardError.suffix(800))")
        #expect(daemon.standardError.contains("TLS certificate reloaded"))
        #expect(try await daemon.signal(SIGTERM) == 0)
    }

    @Test func missingOrMismatchedTLSFiles_stopTheStartNamingTheKey() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-tls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await makeCA("one", in: folder)
        try await makeCA("two", in: folder)
        for (certificate, key, field) in [("absent.pem", "one-server.key", "tls.certificate"),
                                          ("one-server.pem", "two-server.key", "tls")] {
            try "listen: {port: 0}\ntls: {certificate: \(folder)/\(certificate), key: \(folder)/\(key)}\n"
                .write(toFile: folder + "/tls.yaml", atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["--dev", "--config", folder + "/tls.yaml"], directory: folder)
            #expect(try await daemon.waitForExit() == 2)
            #expect(daemon.standardError.contains("(\(field))"), "\(daemon.standardError.suffix(600))")
        }
    }
}

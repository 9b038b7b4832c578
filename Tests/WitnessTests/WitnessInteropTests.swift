import Foundation
import LedgerCrypto
import SignedNote
import Testing
import Witness
import LogStoreContract

/// Cosignatures checked by implementations that are not this one: Python's `cryptography` over the message
/// C2SP tlog-cosignature documents, and Go's golang.org/x/mod/sumdb/note opening a cosigned checkpoint.
@Suite struct WitnessInteropTests {
    /// A cosigned checkpoint from a real witness: (log, checkpoint note, cosignature line, witness vkey).
    func cosigned(in folder: String) async throws -> (TestLog, Note, String, String) {
        let log = try TestLog.make(count: 21)
        let witness = try await makeWitness(in: folder + "/witness", following: [log], time: 1_765_000_000)
        let answer = await witness.add(try log.request(from: 0, to: 21))
        #expect(answer.status == 200)
        let vkey = witness.verifierKey
        await witness.close()
        return (log, try log.checkpoint(21), answer.text, vkey)
    }

    static let pythonCheck = #"""
        import base64, hashlib, sys
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        vkey, text_path, line = sys.argv[1], sys.argv[2], sys.argv[3]
        name, key_id, key = vkey.split("+", 2)
        raw = base64.b64decode(key)
        assert raw[0] == 4, "not a cosignature/v1 key"
        assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_id, "key ID"
        dash, sig_name, payload = line.rstrip("\n").split(" ")
        assert dash == "\u2014" and sig_name == name, "signature line"
        payload = base64.b64decode(payload)
        assert payload[:4].hex() == key_id, "signature key ID"
        stamp = int.from_bytes(payload[4:12], "big")
        text = open(text_path, "rb").read()
        message = b"cosignature/v1\ntime " + str(stamp).encode() + b"\n" + text
        Ed25519PublicKey.from_public_bytes(raw[1:]).verify(payload[12:], message)
        print("ok", stamp)
        """#

    static func python() async -> String? {
        for candidate in [which("python3"), "/usr/bin/python3"].compactMap({ $0 }) {
            if let result = try? await run(candidate, ["-c", "import cryptography"]),
                                                       result.status == 0 { return candidate }
        }
        return nil
    }

    @Test func cosignature_verifiesInPythonCryptography_overTheDocumentedMessage() async throws {
        if await Self.python() == nil, let failed = await TestDependencies.install() {
                  Issue.record("python3 with `cryptography` is missing and could not be installed: \(failed)")
                  return
        }
        let python = try #require(await Self.python(),
        "python3 with `cryptography` is missing after Scripts/install-deps")
        try await withTemporaryDirectory { folder in
            let (_, note, line, vkey) = try await cosigned(in: folder)
            let script = folder + "/check.py"
            try Self.pythonCheck.write(toFile: script, atomically: true, encoding: .utf8)
            let textPath = folder + "/checkpoint.txt"
            try note.text.write(toFile: textPath, atomically: true, encoding: .utf8)
            let good = try await run(python, [script, vkey, textPath, line])
            #expect(good.status == 0, "\(good.err)")
            #expect(good.out == "ok 1765000000\n")
            // The same check must fail for another text: the test can tell a wrong message from a right one.
            try note.text.replacingOccurrences(of: "\n21\n", with: "\n22\n")
                .write(toFile: textPath, atomically: true, encoding: .utf8)
            #expect(try await run(python, [script, vkey, textPath, line]).status != 0)
        }
    }

    static let goProgram = #"""
        package main

        import (
        	"fmt"
        	"os"

        	"golang.org/x/mod/sumdb/note"
        )

        func main() {
        	v, err := note.NewVerifier(os.Args[1])
        	if err != nil {
        		fmt.Println("verifier:", err)
        		os.Exit(2)
        	}
        	data, err := os.ReadFile(os.Args[2])
        	if err != nil {
        		fmt.Println(err)
        		os.Exit(2)
        	}
        	n, err := note.Open(data, note.VerifierList(v))
        	if err != nil {
        		fmt.Println("open:", err)
        		os.Exit(1)
        	}
        	fmt.Printf("verified %d unverified %d\n%s", len(n.Sigs), len(n.UnverifiedSigs), n.Text)
        }
        """#

    static let goModule = """
        module witnessinterop

        go 1.17

        require golang.org/x/mod v0.0.0

        replace golang.org/x/mod => /usr/share/gocode/src/golang.org/x/mod
        """

    static func goTool() -> String? {
        which("go") ?? ["/usr/bin/go", "/usr/lib/go/bin/go"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func cosignedCheckpoint_opensWithGoSumdbNote_andTheLogKey() async throws {
        let noteSource = "/usr/share/gocode/src/golang.org/x/mod/sumdb/note/note.go"
        if Self.goTool() == nil || !FileManager.default.fileExists(atPath: noteSource),
           let failed = await TestDependencies.install() {
            Issue.record("Go and golang.org/x/mod are missing and could not be installed: \(failed)")
            return
        }
        let go = try #require(Self.goTool(), "go is missing after Scripts/install-deps")
        try #require(FileManager.default.fileExists(atPath: noteSource),
                     "golang-golang-x-mod-dev is missing: run Scripts/install-deps")
        try await withTemporaryDirectory { folder in
            let (log, note, line, _) = try await cosigned(in: folder)
            let module = folder + "/go"
            try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
            try Self.goModule.write(toFile: module + "/go.mod", atomically: true, encoding: .utf8)
            try Self.goProgram.write(toFile: module + "/main.go", atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment
            environment["GOFLAGS"] = "-mod=mod"
            environment["GOPROXY"] = "off"
            environment["GO111MODULE"] = "on"
            environment["GOTOOLCHAIN"] = "local"
            environment["GOCACHE"] = folder + "/gocache"
            environment["GOPATH"] = folder + "/gopath"
            environment["HOME"] = folder
            let build = try await run(go, ["build", "-o", module + "/open", "."], environment: environment,
                                           directory: module)
            try #require(build.status == 0, "go build: \(build.out) \(build.err)")
            let cosignedPath = folder + "/cosigned.note"
            try Data(note.bytes + Array(line.utf8)).write(to: URL(fileURLWithPath: cosignedPath))
            let opened = try await run(module + "/open", [log.verifier.verifierKey, cosignedPath])
            #expect(opened.status == 0, "\(opened.out)")
            #expect(opened.out == "verified 1 unverified 1\n" + note.text)
            // A damaged log signature must not open: the program really checks.
            var damaged = note.bytes + Array(line.utf8)
            let at = note.text.utf8.count - 3
            damaged[at] = damaged[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            try Data(damaged).write(to: URL(fileURLWithPath: cosignedPath))
            #expect(try await run(module + "/open", [log.verifier.verifierKey, cosignedPath]).status == 1)
        }
    }
}

import LedgerStores
import ArgumentParser
import Foundation
import LedgerClient
import LedgerCrypto
import Log
import LogSQLite
import Registry
import SignedNote

extension CertLedger {
    /// `certledger audit`: re-verify the whole ledger with nothing but its store and the ledger's checkpoint key.
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the whole ledger: signatures, roles, state, hash chain, every tile and the root.",
            discussion: """
                Reads the store read-only and checks, entry by entry: the checkpoint's signature against the \
                trusted verifier key, each entry's form and index, the `prev` hash chain, that time never goes \
                back, every stored hash tile recomputed from the entries, and the root against the checkpoint; \
                and for every submission: that it is canonical, that its department was registered and its key \
                current at that index (the key history comes from the log itself), that the signature verifies, \
                that the department's roles allow the kind, that its nonce is new, and that the license/seal \
                state machine accepts it. Decoding and signature checks run ahead on every core while the state \
                machine walks the log in order. Memory stays flat as the ledger grows: a bounded window of entries, \
                and of the ledger's state (licenses, seals, documents, nonces) only the --memory-values most recent \
                of each kind; the rest is kept in a scratch file (--scratch, deleted at the end).

                With --state FILE the checkpoint verified last time is kept in FILE, and the new one must be \
                consistent with it (an RFC 9162 consistency proof): a ledger that was rolled back, forked or \
                rewritten since the last audit fails even if it is self-consistent now.

                Exit codes: 0 all good, 1 integrity failure (the first bad index and why), 2 usage or \
                configuration error, 3 store unreachable (or the scratch file failed: no verdict).

                Example (the nightly job, Scripts/nightly-integrity-check, runs this):
                  certledger audit --data /var/lib/certledger \\
                      --verifier-key @/etc/certledger/checkpoint.vkey \\
                      --state /var/lib/certledger-audit/last-checkpoint
                A ledger in PostgreSQL (the password only from the environment):
                  CERTLEDGER_PG_PASSWORD=… certledger audit --verifier-key @checkpoint.vkey \\
                      --store 'postgres://certledger@db.example:5432/ledger?schema=certledger'
                """
        )

        @Option(help: "The daemon's data folder (the store is <data>/log.sqlite).")
        var data: String?

        @Option(help: ArgumentHelp(
            "The store itself (instead of --data): an SQLite file (PATH or sqlite:PATH) or a PostgreSQL schema "
                + "(postgres://USER@HOST:PORT/DB?schema=NAME; password from CERTLEDGER_PG_PASSWORD).",
            valueName: "store"))
        var store: String?

        @Option(help: ArgumentHelp(
            "A daemon's URL: audit through its public C2SP tiles and checkpoint only (instead of --data).",
            valueName: "url"))
        var server: String?

        @Option(name: .customLong("ca-file"), help: ArgumentHelp(
            "With an https:// --server: PEM file of the CA that signed its certificate. Default: $CERTLEDGER_CA_FILE.",
            valueName: "pem"))
        var caFile: String? = ProcessInfo.processInfo.environment["CERTLEDGER_CA_FILE"]

        @Option(help: "The ledger's hash suite with --server (sha256 or sm3; a store records its own).")
        var hash = "sha256"

        @Option(help: ArgumentHelp(
            "The ledger's checkpoint verifier key (name+id+key), or @FILE to read it from a file.",
            valueName: "vkey"))
        var verifierKey: String

        @Option(help: "File keeping the last verified checkpoint; created on the first run.")
        var state: String?

        @OptionGroup var witnesses: WitnessOptions

        @Option(help: ArgumentHelp(
            "With --witness-policy and --data/--store: the daemon's record of its newest witnessed checkpoint. "
                + "Default: <data>/witnessed-checkpoint.", valueName: "file"))
        var witnessedCheckpoint: String?

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        @Flag(help: "Print nothing but failures (progress is shown only on a terminal anyway).")
        var quiet = false

        @Flag(help: "Check only the log layer (chain, tiles, root, checkpoint), not the submissions: for a bare log.")
        var logOnly = false

        @Option(help: ArgumentHelp(
            "Values of each kind (licenses, seals, nonces, …) kept in memory; the rest go to a scratch file.",
            discussion: "Keeps memory flat however long the ledger is. 0 keeps everything in memory (faster on a "
                + "ledger that fits)."))
        var memoryValues = 4_096

        @Option(help: "Folder for the scratch file (default: $TMPDIR or /tmp); deleted when the audit ends.")
        var scratch: String?

        func validate() throws {
            guard [data, store, server].compactMap({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --data DIR, --store FILE or --server URL")
            }
            guard HashAlgorithm(rawValue: hash) != nil else { throw ValidationError("--hash must be sha256 or sm3") }
        }

        func run() async throws {
            let verifier: any NoteVerifier
            do {
                verifier = try NoteVerifierKey.parse(try readArgument(verifierKey))
            } catch {
                throw CLIError("--verifier-key: \(error)")
            }
            let sqlite: any LogStore
            let identity: LogIdentity
            if let server {
                let client: LedgerHTTPClient
                do {
                    client = try LedgerHTTPClient(url: server, timeout: .seconds(60),
                                                  transport: .init(caFile: caFile))
                } catch {
                    throw CLIError("--server: \(error.message)")
                }
                do { sqlite = try await RemoteLogStore.connect(client) } catch {
                    throw storeFailure(error, "--server")
                }
                identity = LogIdentity(origin: verifier.name, hashAlgorithm: HashAlgorithm(rawValue: hash) ?? .sha256,
                                       verifier: verifier)
            } else {
                (sqlite, identity) = try await openLocal(verifier: verifier)
            }
            try await audit(sqlite, identity: identity)
        }

        /// The store of `--data` or `--store` (an SQLite file, or a PostgreSQL schema by URL), opened for reading,
        /// and the identity it records.
        func openLocal(verifier: any NoteVerifier) async throws -> (any LogStore, LogIdentity) {
            let address = try store.map { try StoreAddress($0, option: "--store", barePath: true) }
                ?? .sqlite(path: (data! as NSString).appendingPathComponent("log.sqlite"))
            let opened: any LogStore
            do {
                opened = try await address.openExisting()
            } catch let error as LogStoreError where error.code == .corrupt {
                // A store that contradicts its own checkpoint (entries deleted or added behind its back), or a
                // damaged file (truncated, a page of garbage: PRAGMA quick_check at open), is an
                // integrity failure of the ledger, not an unreachable one.
                emit(checkpoint: nil, verifiedEntries: 0,
                     failure: (index: error.index,
                               reason: "the store is damaged or contradicts itself: \(error.reason)"))
                throw CLIExit.notAuthentic
            } catch let error as LogStoreError where error.code == .conflict {
                throw CLIError("cannot open the store \(address): \(error.reason)")
            } catch {
                throw CLIError("cannot open the store \(address): \(error)", code: 3)
            }
            let stored = try await LogIdentity.stored(in: opened)
            guard let hash = stored.hashAlgorithm else {
                throw CLIError("\(address) has no log identity: not a CertLedger store")
            }
            return (opened, LogIdentity(origin: verifier.name, hashAlgorithm: hash, verifier: verifier))
        }

        /// Verifies `sqlite` (local or remote) as `identity`, reports, and keeps the state.
        func audit(_ sqlite: any LogStore, identity: LogIdentity) async throws {
            let progress = ProgressLine("", quiet: quiet || json)
            var logPolicy: RegistryState.WitnessPolicyEntry?
            let report = try await verifyLedger(sqlite, identity: identity, logOnly: logOnly, progress: progress,
                                                memoryValues: memoryValues, scratch: scratch) { logPolicy = $0 }
            var failure = report.failure.map { (index: $0.index, reason: $0.reason) }
            // The operator's latest witness.policy entry, as the walk applied it, beside the checker's own file.
            if let logPolicy, let policy = try witnesses.policy() {
                witnesses.warnIfDiffers(policy, index: logPolicy.index, record: logPolicy.record)
            }
            // With a witness policy only a witnessed checkpoint counts, and only such a one is kept in --state.
            var kept = report.checkpoint
            if failure == nil, witnesses.witnessPolicy != nil {
                (kept, failure) = try await witnessed(report.checkpoint, store: sqlite, identity: identity)
            }
            let record = state.map(CheckpointRecord.init(path:))
            if failure == nil, let record {
                failure = try await checkAgainstState(record, checkpoint: kept, store: sqlite, identity: identity)
            }
            emit(checkpoint: report.checkpoint, verifiedEntries: report.verifiedEntries, failure: failure)
            if failure != nil { throw CLIExit.notAuthentic }
            if let record, let checkpoint = kept {
                do { try record.write(checkpoint.bytes) } catch {
                    throw CLIError("--state: cannot keep the verified checkpoint: \(error)", code: 3)
                }
            }
        }

        /// The witnessed checkpoint the audit vouches for: the served one with `--server`, the daemon's record with
        /// `--data`/`--store`. It must meet the policy (`WitnessOptions.enforce`, which prints why not and exits 1)
        /// and the audited tree must extend it.
        func witnessed(_ audited: SignedCheckpoint?, store: any LogStore, identity: LogIdentity) async throws
            -> (SignedCheckpoint?, (index: UInt64?, reason: String)?) {
            let note: [UInt8]
            if server != nil {
                guard let audited else { return (nil, (nil, "the ledger serves no checkpoint to check the witnesses on")) }
                note = audited.bytes
            } else {
                let path = witnessedCheckpoint ?? data.map { ($0 as NSString).appendingPathComponent("witnessed-checkpoint") }
                guard let path else {
                    throw CLIError("--witness-policy with --store needs --witnessed-checkpoint FILE")
                }
                guard let bytes = FileManager.default.contents(atPath: path) else {
                    return (nil, (nil, "no witnessed checkpoint at \(path): the ledger has not been witnessed"))
                }
                note = Array(bytes)
            }
            guard let witnessed = try witnesses.enforce(note, logVerifierKey: try readArgument(verifierKey)) else {
                return (audited, nil)
            }
            let size = audited?.checkpoint.size ?? 0
            let root = audited?.checkpoint.rootHash ?? MerkleHasher(identity.hashAlgorithm).emptyRoot()
            switch try await CheckpointRecord.relation(of: witnessed.checkpoint, toTreeOf: size, root: root, in: store,
                                                       hashAlgorithm: identity.hashAlgorithm) {
            case .extends:
                return (witnessed.signed, nil)
            case .shrank(let recorded, let stored):
                return (nil, (nil, "witnesses cosigned \(recorded) entries but the ledger holds \(stored)"))
            case .forked(let recorded, let stored, let why):
                return (nil, (nil, "the ledger at \(stored) entries does not extend the witnessed checkpoint of "
                    + "\(recorded) entries (\(why))"))
            }
        }

        /// The verified tree (nil: the store is empty) must extend the checkpoint verified last time (RFC 9162
        /// consistency): an emptied, shrunk, rolled-back or forked ledger fails even if it is self-consistent now.
        func checkAgainstState(_ record: CheckpointRecord, checkpoint: SignedCheckpoint?, store: any LogStore,
                               identity: LogIdentity) async throws -> (index: UInt64?, reason: String)? {
            let previous: SignedCheckpoint?
            do { previous = try record.read(verifier: identity.verifier) } catch {
                throw CLIError("--state: \(error)")
            }
            guard let old = previous?.checkpoint else { return nil }
            let size = checkpoint?.checkpoint.size ?? 0
            let root = checkpoint?.checkpoint.rootHash ?? MerkleHasher(identity.hashAlgorithm).emptyRoot()
            switch try await CheckpointRecord.relation(of: old, toTreeOf: size, root: root, in: store,
                                                       hashAlgorithm: identity.hashAlgorithm) {
            case .extends:
                return nil
            case .shrank(let recorded, let stored):
                return (nil, "the ledger shrank from \(recorded) entries (last audit, \(record.path)) to \(stored)"
                    + (stored == 0 ? ": the store is empty" : "") + ": entries were deleted or rolled back")
            case .forked(let recorded, let stored, let why):
                return (nil, "the ledger at \(stored) entries does not extend the one audited last time at "
                    + "\(recorded) entries (\(why)): history was rewritten or forked")
            }
        }

        func emit(checkpoint: SignedCheckpoint?, verifiedEntries: UInt64, failure: (index: UInt64?, reason: String)?) {
            let size = checkpoint?.checkpoint.size ?? 0
            let root = checkpoint?.checkpoint.rootHash.base64 ?? ""
            if json {
                var object = "{\"result\":\"\(failure == nil ? "ok" : "failed")\",\"size\":\(size),"
                    + "\"verifiedEntries\":\(verifiedEntries),\"root\":\"\(root)\""
                if let failure {
                    object += ",\"failure\":{\"index\":\(failure.index.map(String.init) ?? "null"),"
                        + "\"reason\":\(jsonString(failure.reason))}"
                }
                print(object + "}")
            } else if let failure {
                let at = failure.index.map { "index \($0)" } ?? "checkpoint"
                FileHandle.standardError.write(Data("certledger audit: FAILED at \(at): \(failure.reason)\n".utf8))
            } else if !quiet {
                print("OK: \(verifiedEntries) entries verified; checkpoint size \(size), root \(root)")
            }
        }
    }
}

/// `@FILE` reads the value from a file (trimmed); anything else is the value itself.
func readArgument(_ value: String) throws -> String {
    guard value.hasPrefix("@") else { return value }
    let path = String(value.dropFirst())
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw CLIError("cannot read \(path)")
    }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Writes `bytes` to `path` via a temporary file, fsync and rename: a crash leaves the old file or the new one.
func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
    let temp = path + ".tmp-\(getpid())"
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw CLIError("cannot write \(temp): \(String(cString: strerror(errno)))") }
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { close(fd); throw CLIError("cannot write \(temp)") }
        written += n
    }
    guard fsync(fd) == 0, close(fd) == 0, rename(temp, path) == 0 else {
        throw CLIError("cannot replace \(path): \(String(cString: strerror(errno)))")
    }
}

/// A JSON string literal (RFC 8259 escaping).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

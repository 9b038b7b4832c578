import LedgerAudit
import LedgerStores
import ArgumentParser
import Foundation
import Log
import SignedNote

extension CertLedger {
    /// `certledger migrate`: move a ledger between stores (SQLite ⇄ PostgreSQL) and prove the copy.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a ledger into a new store (SQLite ⇄ PostgreSQL) and prove the copy.",
            discussion: """
                Stop every daemon that writes to the ledger first. migrate then:
                  1. opens the source read-only and creates the target: a new SQLite file, or a new PostgreSQL \
                schema (an existing schema or file is used only if it holds nothing at all);
                  2. copies the ledger batch by batch — every entry, hash tile and checkpoint — checking each \
                batch before it is written: the entries must hash to the source's tiles and to the root of \
                the source's checkpoint, which must carry the ledger's signature;
                  3. proves the copy: the target's latest checkpoint is byte-identical to the source's, the whole \
                target passes the audit's verification (as `certledger audit --store`), and consistency \
                proofs computed from the target tie the source's checkpoints to the target's;
                  4. prints the `store:` lines for Config/certledgerd.yaml. Point the daemons at the copy and \
                start them; keep the source until they run.

                The PostgreSQL password comes from CERTLEDGER_PG_PASSWORD only (never from the URL). A copy that \
                fails is incomplete: delete the target (the file, or DROP SCHEMA name CASCADE) before migrating \
                again. Progress is shown on a terminal.

                Exit codes: 0 copied and proven, 1 integrity failure (the first bad index and why), 2 usage or \
                configuration error (including a target that is not empty), 3 a store cannot be reached.

                Example:
                  systemctl stop certledgerd
                  export CERTLEDGER_PG_PASSWORD=…
                  certledger migrate --from sqlite:/var/lib/certledger/log.sqlite \\
                 --to 'postgres://certledger@db.example:5432/ledger?schema=certledger' \\
                 --verifier-key @/var/lib/certledger/checkpoint.vkey
                """
        )

        @Option(help: ArgumentHelp("The ledger to copy: sqlite:PATH or postgres://USER@HOST:PORT/DB?schema=NAME.",
                                   valueName: "store"))
        var from: String

        @Option(help: ArgumentHelp("The new store: sqlite:PATH or postgres://USER@HOST:PORT/DB?schema=NAME.",
                                   valueName: "store"))
        var to: String

        @Option(help: ArgumentHelp(
            "The ledger's checkpoint verifier key, or @FILE. Without it, the key recorded in the source is used.",
            valueName: "vkey"))
        var verifierKey: String?

        @Option(help: "Connections to a PostgreSQL target (1…64), also written into the printed configuration.")
        var poolSize = 4

        @Flag(help: "Verify the copy at the log layer only (chain, tiles, root), not the submissions: a bare log.")
        var logOnly = false

        @Flag(help: "Print nothing but failures.")
        var quiet = false

        func validate() throws {
            guard (1...64).contains(poolSize) else { throw ValidationError("--pool-size must be in 1…64") }
        }

        func run() async throws {
            let sourceAddress = try StoreAddress(from, option: "--from")
            let targetAddress = try StoreAddress(to, option: "--to", poolSize: poolSize)
            guard sourceAddress.description != targetAddress.description else {
                throw CLIError("--from and --to name the same store \(sourceAddress)")
            }
            let source: any ClosableLogStore
            do { source = try await sourceAddress.openExisting() } catch {
                throw storeFailure(error, "cannot open the source \(sourceAddress)")
            }
            do {
                try await migrate(from: source, sourceAddress, to: targetAddress)
            } catch {
                await source.close()
                throw error
            }
            await source.close()
        }

        private func migrate(from source: any ClosableLogStore, _ sourceAddress: StoreAddress,
                             to targetAddress: StoreAddress) async throws {
            let (identity, recordedKey, trusted) = try await sourceIdentity(source, sourceAddress)
            guard let head = try await source.head() else {
                throw CLIError("\(sourceAddress) holds no checkpoint: there is no ledger to migrate")
            }
            let target = try await emptyTarget(targetAddress, origin: identity.origin)
            let clock = ContinuousClock(), began = clock.now
            var copied = began
            let result: LedgerCopy.Result
            let proof: MigrationProof.Result
            do {
                try await identity.record(in: target, verifierKey: recordedKey)
                let copying = ProgressLine("copying  ", quiet: quiet)
                result = try await LedgerCopy(source: source, target: target, identity: identity, head: head)
                    .run { done, total, batches in copying.update(done, of: total, "\(batches) batches") }
                copied = clock.now
                let verifying = ProgressLine("verifying", quiet: quiet)
                do {
                    proof = try await MigrationProof(source: source, target: target, identity: identity, head: head,
                                                     checkpointSizes: result.checkpointSizes)
                        .run(logOnly: logOnly) { done, total in verifying.update(done, of: total) }
                } catch let error as MigrationProof.SourceChanged {
                    throw CLIError(error.description)
                } catch let error as LedgerAuditError {
                    throw CLIError(error.reason, code: 3)
                }
            } catch {
                await target.close()
                throw incomplete(error, targetAddress)
            }
            await target.close()
            let finished = clock.now
            guard !quiet else { return }
            func seconds(_ duration: Duration) -> Double {
                Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            }
            let copying = seconds(copied - began), proving = seconds(finished - copied)
            let rate = copying > 0 ? Int(Double(result.entries) / copying) : 0
            let checkpoint = proof.checkpoint.checkpoint
            print("""
                migrated ledger \(identity.origin)
                  from         \(sourceAddress)
                  to           \(targetAddress)
                  copied       \(result.entries) entries, \(result.checkpointSizes.count) checkpoints, \
                \(result.tileWrites) tile writes in \(String(format: "%.1f", copying)) s (\(rate) entries/s); \
                proof \(String(format: "%.1f", proving)) s
                  checkpoint   identical: size \(checkpoint.size), root \(checkpoint.rootHash.base64)
                  verified     \(proof.verifiedEntries) entries in the copy (\(logOnly ? "log only" : "log and "
                    + "registry")), checkpoint key \(trusted ? "given" : "recorded in the source")
                  consistency  proven from \(proof.provenSizes.count) source checkpoints (sizes \
                \(proof.provenSizes.map(String.init).joined(separator: ", "))) to the copy's
                point the daemons at the copy (Config/certledgerd.yaml):
                """)
            print(targetAddress.daemonYAML(indent: "  "), terminator: "")
        }

        /// The ledger identity the source records, checked against `--verifier-key` when one is given.
        private func sourceIdentity(_ source: any LogStore, _ address: StoreAddress) async throws
            -> (LogIdentity, recordedKey: String, trusted: Bool) {
            let stored = try await LogIdentity.stored(in: source)
            guard let origin = stored.origin, let hash = stored.hashAlgorithm, let recorded = stored.verifierKey else {
                throw CLIError("\(address) has no log identity (origin, hash suite, checkpoint key): not a "
                    + "CertLedger ledger")
            }
            let keyText = try verifierKey.map(readArgument) ?? recorded
            let verifier: any NoteVerifier
            do { verifier = try NoteVerifierKey.parse(keyText) } catch {
                throw CLIError("\(verifierKey == nil ? "the source's recorded checkpoint key" : "--verifier-key"): "
                    + "\(error)")
            }
            guard keyText == recorded else {
                throw IntegrityFailure(index: nil, reason: "the source records the checkpoint key \(recorded), not "
                    + "the trusted \(keyText)")
            }
            guard verifier.name == origin else {
                throw IntegrityFailure(index: nil, reason: "the source's origin is \(origin) but its checkpoint key "
                    + "is named \(verifier.name)")
            }
            return (LogIdentity(origin: origin, hashAlgorithm: hash, verifier: verifier), recorded, verifierKey != nil)
        }

        /// A new store at `address`, or an existing one that holds nothing at all (no entry, no checkpoint, no
        /// identity); anything else is refused without being touched.
        private func emptyTarget(_ address: StoreAddress, origin: String) async throws -> any ClosableLogStore {
            do {
                return try await address.create(origin: origin)
            } catch let error as LogStoreError where error.code == .conflict {
                let existing: any ClosableLogStore
                do { existing = try await address.openForWriting(origin: origin) } catch {
                    let reason = (error as? LogStoreError)?.reason ?? "\(error)"
                    let code: Int32 = (error as? LogStoreError)?.code == .unavailable ? 3 : 2
                    throw CLIError("the target \(address) exists and is not an empty ledger store: \(reason)",
                                   code: code)
                }
                let head = try await existing.head()
                let stored = try await LogIdentity.stored(in: existing)
                guard head == nil, stored.origin == nil, stored.hashAlgorithm == nil, stored.verifierKey == nil else {
                    await existing.close()
                    throw CLIError("the target \(address) is not empty (it holds \(head?.size ?? 0) entries of the "
                        + "ledger \(stored.origin ?? "with no recorded origin")): migrate copies into an empty "
                        + "store only")
                }
                return existing
            } catch {
                throw storeFailure(error, "cannot create the target \(address)")
            }
        }

        /// A failure after the target was created leaves an incomplete copy: say so, and how to remove it.
        private func incomplete(_ error: any Error, _ address: StoreAddress) -> any Error {
            let removal: String
            switch address {
            case .sqlite(let path): removal = "delete \(path)"
            case .postgres(let options, _): removal = "DROP SCHEMA \(options.schema) CASCADE"
            }
            let note = "; the copy in \(address) is incomplete and must not be used (\(removal))"
            let mapped = error is IntegrityFailure || error is CLIError
                ? error : storeFailure(error, "migrating into \(address)")
            switch mapped {
            case let failure as IntegrityFailure:
                return IntegrityFailure(index: failure.index, reason: failure.reason + note)
            case let failure as CLIError:
                return CLIError(failure.description + note, code: failure.code)
            default:
                return mapped
            }
        }
    }
}

import ArgumentParser

/// The `certledger` command: keys, submissions, verification and audits (DESIGN.md §7).
@main
struct CertLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certledger",
        abstract: "Keys, submissions, verification and audits for a CertLedger ledger.",
        discussion: """
            Exit codes: 0 success (or: authentic / audit passed), 1 not authentic or integrity failure,
            2 usage or configuration error, 3 server unreachable.
            """,
        subcommands: []
    )
}

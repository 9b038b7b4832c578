import LedgerStores
import Foundation
import LedgerCrypto

/// The daemon configuration `certledger init --store` writes: the keys in the data folder, the log in the store
/// given, the ledger's origin and hash suite pinned (Config/certledgerd.yaml documents every key; the daemon
/// refuses unknown ones). Listening and sequencing are left to their defaults. No password is ever written:
/// the daemon reads it from `CERTLEDGER_PG_PASSWORD`.
struct DaemonConfigFile {
    let data: String
    let address: StoreAddress
    let origin: String
    let hash: HashAlgorithm

    var text: String {
        let folder = URL(fileURLWithPath: data).standardizedFileURL.path
        var text = """
            # certledgerd configuration written by `certledger init` for the ledger \(origin).
            # Start: certledgerd --config <this file>. Every other key keeps the default documented in
            # Config/certledgerd.yaml.

            """
        if case .postgres = address {
            text += "# The database password is read from CERTLEDGER_PG_PASSWORD, never from this file.\n"
        }
        text += """
            data: \(yamlQuoted(folder))

            \(address.daemonYAML())
            keys:
              checkpoint: checkpoint.skey
              receipt: receipt.key

            log:
              origin: \(yamlQuoted(origin))
              hash: \(hash.rawValue)

            """
        return text
    }
}

import LedgerStores
import Log

/// A store failure as a command-line error with the documented exit code: unreachable or unreadable 3, a store
/// that contradicts itself 1 (an integrity failure), anything else (exists already, another ledger) 2.
func storeFailure(_ error: any Error, _ doing: String) -> any Error {
    guard let error = error as? LogStoreError else { return CLIError("\(doing): \(error)") }
    switch error.code {
    case .unavailable: return CLIError("\(doing): \(error.reason)", code: 3)
    case .corrupt: return IntegrityFailure(index: error.index, reason: "\(doing): \(error.reason)")
    case .conflict, .outOfRange: return CLIError("\(doing): \(error.reason)")
    }
}

internal import COpenSSL

/// Prepared OpenSSL contexts not in use, shared by the threads of one key's pool (`ECDSAContextPool`,
/// `Ed25519VerifyPool`): a caller takes one off the shelf (or makes a new one when it is empty), uses it alone and
/// puts it back. At most `capacity` wait on the shelf; more are made on demand and dropped when put back.
final class ContextShelf<Context: AnyObject>: @unchecked Sendable {
    /// Guards `idle`.
    private let lock: UnsafeMutableRawPointer
    private var idle: [Context] = []
    private let capacity: Int

    init(capacity: Int = 8) throws {
        guard let lock = CRYPTO_THREAD_lock_new() else { throw CryptoError.openssl("CRYPTO_THREAD_lock_new") }
        self.lock = lock
        self.capacity = capacity
    }

    deinit { CRYPTO_THREAD_lock_free(lock) }

    /// A context nobody is using, if one waits.
    func take() -> Context? {
        guard CRYPTO_THREAD_write_lock(lock) == 1 else { return nil }
        defer { CRYPTO_THREAD_unlock(lock) }
        return idle.popLast()
    }

    /// Gives back a context its user is done with.
    func putBack(_ context: Context) {
        guard CRYPTO_THREAD_write_lock(lock) == 1 else { return }
        defer { CRYPTO_THREAD_unlock(lock) }
        if idle.count < capacity { idle.append(context) }
    }
}

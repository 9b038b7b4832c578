/// `Cache-Control` values of the API, in one place so that what may be cached for how long is decided once.
enum CacheControl {
    /// Full tiles and entries never change once they exist (C2SP tlog-tiles): a year, `immutable`.
    static let immutable = "public, max-age=31536000, immutable"
    /// A partial tile's bytes never change either, but clients should move on to the wider tile soon.
    static let partialTile = "public, max-age=10"
    /// The checkpoint changes with every batch: revalidate each time.
    static let checkpoint = "no-cache"
}

/// The word test the strict parser and the tape reader share for the body of a JSON string: the end of the run of
/// whole 8-byte words, from `position`, holding only ASCII that is neither a quote, a backslash nor a control
/// character (most of a ledger's strings: digests, signatures, identifiers). The byte loop of each reader judges the
/// word that stops the run, byte by byte.
@inline(__always)
func plainASCIIWordsEnd(_ input: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
    guard let base = input.baseAddress else { return position }
    let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
    var position = position
    while position + 8 <= input.count {
        let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
        // A byte is zero in `x` exactly when `(x - 1) & ~x` has its high bit (a borrow may also flag a byte above a
        // true match, never a word without one); `(x - 0x20) & ~x` likewise flags a byte below 0x20, and `word`
        // itself flags a byte of 0x80 or more.
        let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
        let flags = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
            | ((word &- ones &* 0x20) & ~word) | word
        if flags & high != 0 { return position }
        position += 8
    }
    return position
}

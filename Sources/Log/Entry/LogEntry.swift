public import LedgerCrypto

/// One leaf of the log (DESIGN.md §3): the RFC 8785 canonical JSON of
/// `{"index":N,"prev":"<b64>","submission":{…},"time":"…","v":1}` — keys in JCS order.
///
/// The log sets `index`, `prev` (the leaf hash of entry N-1; 32 zero bytes for entry 0) and `time`; the payload
/// (`submission`) is opaque to the log: canonical JSON bytes of an object, produced and checked by the layer above.
/// Because the envelope's shape is fixed, encoding is concatenation and decoding is an exact structural match: any
/// other spelling of the same data (whitespace, key order, number forms) is rejected, so one entry has one byte form.
public struct LogEntry: Sendable, Equatable {
    /// Envelope version.
    public static let version = 1
    /// C2SP entry bundles carry a uint16 length: no entry may be longer.
    public static let maxBytes = 65_535

    public let index: UInt64
    public let prev: Hash256
    public let time: Timestamp
    /// The canonical JSON object the submitter signed, exactly as it appears inside the entry.
    public let payload: ArraySlice<UInt8>
    /// The exact leaf bytes.
    public let bytes: [UInt8]

    private static let prefixIndex = Array(#"{"index":"#.utf8)
    private static let prefixPrev = Array(#","prev":""#.utf8)
    private static let prefixPayload = Array(#"","submission":"#.utf8)
    private static let prefixTime = Array(#","time":""#.utf8)
    private static let suffix = Array(#"","v":1}"#.utf8)
    /// `,"time":"` + 24-character timestamp + `","v":1}`.
    private static let tailCount = 9 + 24 + 8

    /// Builds an entry. `payload` must be the canonical JSON bytes of an object (the caller's contract).
    public init(index: UInt64, prev: Hash256, time: Timestamp, payload: [UInt8]) throws(LogError) {
        guard payload.first == UInt8(ascii: "{"), payload.last == UInt8(ascii: "}") else {
            throw LogError(.malformedEntry, field: "submission", "the payload must be a JSON object")
        }
        var out = [UInt8]()
        out.reserveCapacity(payload.count + 120)
        out += Self.prefixIndex
        out += Array(String(index).utf8)
        out += Self.prefixPrev
        out += Array(prev.base64.utf8)
        out += Self.prefixPayload
        let payloadStart = out.count
        out += payload
        out += Self.prefixTime
        out += Array(time.rfc3339.utf8)
        out += Self.suffix
        guard out.count <= Self.maxBytes else {
            throw LogError(.entryTooLarge, field: "submission",
                           "entry \(index) would be \(out.count) bytes; at most \(Self.maxBytes) fit in a tile bundle")
        }
        self.index = index
        self.prev = prev
        self.time = time
        self.bytes = out
        self.payload = out[payloadStart..<(payloadStart + payload.count)]
    }

    /// Decodes leaf bytes, accepting only the exact form `init(index:prev:time:payload:)` produces.
    public init(bytes: [UInt8]) throws(LogError) {
        let fields = try bytes.withUnsafeBufferPointer { buffer throws(LogError) in try Self.fields(of: buffer) }
        self.index = fields.index
        self.prev = fields.prev
        self.time = fields.time
        self.bytes = bytes
        self.payload = bytes[fields.payload]
    }

    /// The envelope's fields and where the payload lies, read in place (every entry of an audit comes through here).
    private static func fields(of bytes: UnsafeBufferPointer<UInt8>) throws(LogError)
        -> (index: UInt64, prev: Hash256, time: Timestamp, payload: Range<Int>) {
        func fail(_ why: String) -> LogError { LogError(.malformedEntry, field: "entry", why) }
        guard bytes.count <= Self.maxBytes else { throw fail("entry is \(bytes.count) bytes, over \(Self.maxBytes)") }
        var pos = 0
        func expect(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - pos >= count else { return false }
            for offset in 0..<count where bytes[pos + offset] != literal.utf8Start[offset] { return false }
            pos += count
            return true
        }
        guard expect(#"{"index":"#) else { throw fail("does not start with {\"index\":") }
        let digitsStart = pos
        var index: UInt64 = 0
        while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 {
            // 17 digits already exceed 2^53; stop accumulating before UInt64 could overflow.
            if pos - digitsStart < 17 { index = index * 10 + UInt64(bytes[pos] - 0x30) }
            pos += 1
        }
        // Canonical: 1–16 digits (2^53 has 16), no leading zero, at most 2^53.
        let digitCount = pos - digitsStart
        guard (1...16).contains(digitCount), digitCount == 1 || bytes[digitsStart] != 0x30, index <= 1 << 53 else {
            let digits = String(decoding: UnsafeBufferPointer(rebasing: bytes[digitsStart..<pos]), as: UTF8.self)
            throw fail("index \"\(digits)\" is not a canonical non-negative integer")
        }
        guard expect(#","prev":""#), bytes.count - pos >= 44 else { throw fail("missing \"prev\"") }
        guard let prev = Hash256(base64UTF8: UnsafeBufferPointer(rebasing: bytes[pos..<(pos + 44)])) else {
            throw fail("\"prev\" is not the base64 of 32 bytes")
        }
        pos += 44
        guard expect(#"","submission":"#) else { throw fail("missing \"submission\" after \"prev\"") }
        let payloadStart = pos
        guard bytes.count - payloadStart >= Self.tailCount + 2 else { throw fail("entry is truncated") }
        let tailStart = bytes.count - Self.tailCount
        pos = tailStart
        guard expect(#","time":""#) else { throw fail("missing \"time\" after \"submission\"") }
        guard let time = Timestamp(rfc3339UTF8: UnsafeBufferPointer(rebasing: bytes[pos..<(pos + 24)])) else {
            throw fail("\"time\" is not of the form 2026-11-29T01:02:03.456Z")
        }
        pos += 24
        guard expect(#"","v":1}"#) else { throw fail("entry does not end with \"v\":1}") }
        guard bytes[payloadStart] == UInt8(ascii: "{"), bytes[tailStart - 1] == UInt8(ascii: "}") else {
            throw fail("\"submission\" is not a JSON object")
        }
        return (index, prev, time, payloadStart..<tailStart)
    }
}

import CanonicalJSON
import Synchronization
import Testing

/// The strict decoder keeps, per decode, a log of which members each object's type read (for the unknown-key
/// check) and the path of each value (for errors) as a chain of decoders. Neither may outlive the decode: an audit
/// decodes millions of submissions, and one retained decoder tree per entry grew its memory 3× before this test.
/// Serialized: both tests decode types that report to the one static `tracker`, whose count the first checks.
@Suite(.serialized) struct DecoderLifetimeTests {
    /// Remembers, weakly, every decoder it was decoded from.
    final class Tracker: Sendable {
        private let decoders = Mutex<[WeakDecoder]>([])
        struct WeakDecoder: @unchecked Sendable { weak var object: AnyObject? }

        func track(_ decoder: any Decoder) {
            decoders.withLock { $0.append(WeakDecoder(object: decoder as AnyObject)) }
        }

        var alive: Int { decoders.withLock { $0.filter { $0.object != nil }.count } }
        var seen: Int { decoders.withLock { $0.count } }
    }

    struct Inner: Decodable {
        let value: Int
        init(from decoder: any Decoder) throws {
            DecoderLifetimeTests.tracker.track(decoder)
            value = try decoder.container(keyedBy: Keys.self).decode(Int.self, forKey: .value)
        }
        enum Keys: String, CodingKey { case value }
    }

    struct Outer: Decodable {
        let name: String
        let inner: Inner
        let list: [Inner]
        init(from decoder: any Decoder) throws {
            DecoderLifetimeTests.tracker.track(decoder)
            let c = try decoder.container(keyedBy: Keys.self)
            name = try c.decode(String.self, forKey: .name)
            inner = try c.decode(Inner.self, forKey: .inner)
            list = try c.decode([Inner].self, forKey: .list)
        }
        enum Keys: String, CodingKey { case name, inner, list }
    }

    nonisolated(unsafe) static var tracker = Tracker()

    @Test func decodersOfNestedObjects_areFreedOnceTheDecodeReturns_alsoAfterAnUnknownKeyError() throws {
        Self.tracker = Tracker()
        let good = Array(#"{"inner":{"value":1},"list":[{"value":2},{"value":3}],"name":"n"}"#.utf8)
        let bad = Array(#"{"inner":{"value":1,"extra":true},"list":[],"name":"n"}"#.utf8)
        let decoder = CanonicalJSONDecoder(rejectUnknownKeys: true)
        for _ in 0..<10 {
            let outer = try decoder.decode(Outer.self, from: good)
            #expect(outer.list.map(\.value) == [2, 3])
            #expect(throws: JSONError.self) { _ = try decoder.decode(Outer.self, from: bad) }
        }
        #expect(Self.tracker.seen == 10 * 4 + 10 * 2)
        #expect(Self.tracker.alive == 0)
    }

    @Test func unknownKeyInANestedObject_isNamedWithItsFullPath() throws {
        let bad = Array(#"{"inner":{"value":1},"list":[{"value":2},{"value":3,"zz":0}],"name":"n"}"#.utf8)
        let error = try #require(throws: JSONError.self) {
            _ = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Outer.self, from: bad)
        }
        #expect(error.code == .unknownKey)
        #expect(error.path == "list[1].zz")
    }
}

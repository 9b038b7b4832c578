import Log
import Testing

/// `Published`: readers await a value that meets their condition instead of polling; a waiter whose time runs out
/// gets nil and is forgotten.
@Suite struct PublishedTests {
    @Test func waiter_isResumedByThePublicationThatSatisfiesIt() async throws {
        let published = Published(1)
        async let awaited = published.wait(timeout: .seconds(10)) { $0 >= 3 }
        try await Task.sleep(for: .milliseconds(50))
        published.publish(2)
        published.publish(5)
        #expect(await awaited == 5)
        #expect(published.value == 5)
    }

    @Test func currentValue_answersAtOnce_andATimeoutGivesNil() async {
        let published = Published(7)
        #expect(await published.wait(timeout: .seconds(10)) { $0 == 7 } == 7)
        #expect(await published.wait(timeout: .milliseconds(100)) { $0 > 7 } == nil)
        // A publication that would have satisfied the timed-out waiter must not resume it again: a checked
        // continuation resumed twice traps, which fails the run. A new waiter is still woken.
        async let next = published.wait(timeout: .seconds(10)) { $0 >= 9 }
        try? await Task.sleep(for: .milliseconds(50))
        published.publish(8)
        published.publish(9)
        #expect(await next == 9)
    }
}

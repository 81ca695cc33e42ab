import Foundation
import Testing
@testable import VigilServer

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: TimeInterval = 1000
    var now: TimeInterval { lock.withLock { value } }
    func advance(_ seconds: TimeInterval) { lock.withLock { value += seconds } }
}

@Suite struct RateLimiterTests {
    @Test func noSixtySecondsEverHoldMoreThanTheLimitHoweverRequestsAreSpaced() async {
        let clock = ManualClock()
        let limiter = RateLimiter(limits: .init(publicPerMinute: 30), now: { clock.now })
        // Thirty requests spread over 58 seconds: a refilling bucket would let the 31st through.
        for _ in 0..<30 {
            #expect(await limiter.take(.client("a")) == .allowed)
            clock.advance(2)
        }
        clock.advance(-2)  // 58 s after the first
        #expect(await limiter.take(.client("a")) == .limited(retryAfter: 2))
        clock.advance(2)  // the first request leaves the window
        #expect(await limiter.take(.client("a")) == .allowed)
        #expect(await limiter.take(.client("a")) == .limited(retryAfter: 2))
    }

    @Test func clientsAndAccountsHaveSeparateLimits() async {
        let clock = ManualClock()
        let limiter = RateLimiter(limits: .init(publicPerMinute: 2, accountPerMinute: 3), now: { clock.now })
        for _ in 0..<2 { #expect(await limiter.take(.client("a")) == .allowed) }
        #expect(await limiter.take(.client("a")) == .limited(retryAfter: 60))
        #expect(await limiter.take(.client("b")) == .allowed)
        for _ in 0..<3 { #expect(await limiter.take(.account(7)) == .allowed) }
        #expect(await limiter.take(.account(7)) == .limited(retryAfter: 60))
    }

    @Test func repeatedMissesAlertOncePerWindow() async {
        let clock = ManualClock()
        let limiter = RateLimiter(limits: .init(missesBeforeAlert: 3, missWindow: 600), now: { clock.now })
        #expect(await limiter.recordMiss(client: "a") == false)
        #expect(await limiter.recordMiss(client: "a") == false)
        #expect(await limiter.recordMiss(client: "a") == true)
        #expect(await limiter.recordMiss(client: "a") == false)
        clock.advance(601)
        for _ in 0..<2 { #expect(await limiter.recordMiss(client: "a") == false) }
        #expect(await limiter.recordMiss(client: "a") == true)
    }
}

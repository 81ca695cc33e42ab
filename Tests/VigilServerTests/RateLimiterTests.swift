import Foundation
import Testing
import VigilStore
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

/// Two servers that share a ledger (as two instances share PostgreSQL) enforce one limit between them.
@Suite struct SharedRateLimitTests {
    /// The ledger contract in memory: what the PostgreSQL store does in its tables.
    actor MemoryLedger: SharedRateLedger {
        var times: [String: [Double]] = [:]

        func admit(key: String, limit: Int, window: Double, now: Double) -> Double? {
            var kept = (times[key] ?? []).filter { $0 > now - window }
            defer { times[key] = kept }
            guard kept.count < limit else { return kept[0] + window - now }
            kept.append(now)
            return nil
        }

        func record(key: String, window: Double, now: Double) -> Int {
            let kept = (times[key] ?? []).filter { $0 > now - window } + [now]
            times[key] = kept
            return kept.count
        }

        func pruneRateLedger(before cutoff: Double) {}
    }

    @Test func aClientSpreadOverTwoInstancesGetsThirtyLookupsAMinuteNotSixty() async {
        let clock = ManualClock()
        let ledger = MemoryLedger()
        let first = RateLimiter(limits: .init(publicPerMinute: 30), ledger: ledger, wallClock: { clock.now })
        let second = RateLimiter(limits: .init(publicPerMinute: 30), ledger: ledger, wallClock: { clock.now })
        var allowed = 0
        for i in 0..<40 {
            if await (i.isMultiple(of: 2) ? first : second).take(.client("203.0.113.9")) == .allowed { allowed += 1 }
            clock.advance(1)
        }
        #expect(allowed == 30)
        #expect(await first.take(.client("198.51.100.4")) == .allowed)
    }

    @Test func missesCountedByEitherInstanceRaiseOneAlert() async {
        let clock = ManualClock()
        let ledger = MemoryLedger()
        let limits = RateLimiter.Limits(missesBeforeAlert: 4)
        let servers = [RateLimiter(limits: limits, ledger: ledger, wallClock: { clock.now }),
                       RateLimiter(limits: limits, ledger: ledger, wallClock: { clock.now })]
        var alerts = 0
        for i in 0..<8 where await servers[i % 2].recordMiss(client: "203.0.113.9") { alerts += 1 }
        #expect(alerts == 1)
    }
}

import Foundation

/// Token buckets, one per client address and one per account, plus a count of misses per client
/// that flags enumeration: somebody trying number after number gets "no match" again and again.
///
/// A bucket holds `perMinute` tokens and refills continuously at `perMinute / 60` per second, so a
/// client can burst to its limit and then proceeds at the steady rate.
public actor RateLimiter {
    public enum Key: Hashable, Sendable {
        case client(String)
        case account(Int64)
    }

    public enum Outcome: Equatable, Sendable {
        case allowed
        case limited(retryAfter: Int)
    }

    public struct Limits: Sendable {
        public var publicPerMinute: Int
        public var accountPerMinute: Int
        /// Misses by one client within `missWindow` that raise an enumeration alert.
        public var missesBeforeAlert: Int
        public var missWindow: TimeInterval

        public init(publicPerMinute: Int = 30, accountPerMinute: Int = 600, missesBeforeAlert: Int = 10, missWindow: TimeInterval = 600) {
            self.publicPerMinute = publicPerMinute
            self.accountPerMinute = accountPerMinute
            self.missesBeforeAlert = missesBeforeAlert
            self.missWindow = missWindow
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    private struct Misses {
        var count: Int
        var windowStart: TimeInterval
        var alerted: Bool
    }

    private let limits: Limits
    private let now: @Sendable () -> TimeInterval
    private var buckets: [Key: Bucket] = [:]
    private var misses: [String: Misses] = [:]

    public init(limits: Limits, now: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime }) {
        self.limits = limits
        self.now = now
    }

    public func take(_ key: Key) -> Outcome {
        let capacity = Double(key.isAccount ? limits.accountPerMinute : limits.publicPerMinute)
        guard capacity > 0 else { return .limited(retryAfter: 60) }
        let t = now()
        let perSecond = capacity / 60
        var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: t)
        bucket.tokens = min(capacity, bucket.tokens + (t - bucket.updated) * perSecond)
        bucket.updated = t
        defer { buckets[key] = bucket }
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            return .allowed
        }
        return .limited(retryAfter: max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))))
    }

    /// Counts a "no match" for a client; returns true exactly once per window, when the count
    /// reaches the alert threshold.
    public func recordMiss(client: String) -> Bool {
        let t = now()
        var entry = misses[client] ?? Misses(count: 0, windowStart: t, alerted: false)
        if t - entry.windowStart > limits.missWindow { entry = Misses(count: 0, windowStart: t, alerted: false) }
        entry.count += 1
        let alert = !entry.alerted && entry.count >= limits.missesBeforeAlert
        if alert { entry.alerted = true }
        misses[client] = entry
        return alert
    }

    /// Drops idle state so memory does not grow with every address ever seen.
    public func prune() {
        let t = now()
        buckets = buckets.filter { t - $0.value.updated < 120 }
        misses = misses.filter { t - $0.value.windowStart <= limits.missWindow }
    }
}

extension RateLimiter.Key {
    var isAccount: Bool {
        if case .account = self { return true }
        return false
    }
}

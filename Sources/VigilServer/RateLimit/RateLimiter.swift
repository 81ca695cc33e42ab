import Foundation
import VigilStore

/// Per-client and per-account request limits, plus a count of misses per client that flags
/// enumeration: somebody trying number after number gets "no match" again and again.
///
/// The limit is a sliding one-minute window (a log of the last `limit` request times per key)
/// rather than a refilling token bucket: "30 lookups per minute" then means that no 60 seconds
/// ever hold a 31st lookup, however the requests are spaced. A bucket that refills continuously
/// would let a patient client through faster. Memory is `limit` timestamps per active key.
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

    private struct Misses {
        var count: Int
        var windowStart: TimeInterval
        var alerted: Bool
    }

    private static let window: TimeInterval = 60
    private let limits: Limits
    private let now: @Sendable () -> TimeInterval
    /// Request times within the last window, oldest first.
    private var recent: [Key: Window] = [:]

    /// A queue of request times: appended at the back, expired from the front in amortised O(1).
    private struct Window {
        private var times: [TimeInterval] = []
        private var head = 0

        var count: Int { times.count - head }
        var oldest: TimeInterval { times[head] }
        var newest: TimeInterval? { times.last }

        mutating func append(_ time: TimeInterval) { times.append(time) }

        mutating func drop(olderThan cutoff: TimeInterval) {
            while head < times.count, times[head] <= cutoff { head += 1 }
            if head > 64, head * 2 > times.count {
                times.removeFirst(head)
                head = 0
            }
        }
    }
    private var misses: [String: Misses] = [:]
    /// Where several instances share their counts; `nil` counts in this process's memory.
    private let ledger: (any SharedRateLedger)?
    private let wallClock: @Sendable () -> TimeInterval
    private var requestsSincePrune = 0

    /// - Parameter ledger: a database several instances share (PostgreSQL); without one, the counts
    ///   live in this process, which is exact for a single instance.
    public init(
        limits: Limits, ledger: (any SharedRateLedger)? = nil,
        now: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime },
        wallClock: @escaping @Sendable () -> TimeInterval = { Date().timeIntervalSince1970 }
    ) {
        self.limits = limits
        self.ledger = ledger
        self.now = now
        self.wallClock = wallClock
    }

    public func take(_ key: Key) async -> Outcome {
        let limit = key.isAccount ? limits.accountPerMinute : limits.publicPerMinute
        guard limit > 0 else { return .limited(retryAfter: Int(Self.window)) }
        await pruneNowAndThen()
        if let ledger {
            do {
                guard let wait = try await ledger.admit(key: key.ledgerKey, limit: limit, window: Self.window, now: wallClock()) else {
                    return .allowed
                }
                return .limited(retryAfter: max(1, Int(wait.rounded(.up))))
            } catch {
                // Fail closed: a limit that cannot be checked is not lifted.
                return .limited(retryAfter: 1)
            }
        }
        let t = now()
        // Taken out of the dictionary so that it is mutated in place, not copied, on every request.
        var window = recent.removeValue(forKey: key) ?? Window()
        defer { recent[key] = window }
        window.drop(olderThan: t - Self.window)
        guard window.count < limit else {
            // The oldest request in the window leaves it first.
            return .limited(retryAfter: max(1, Int((window.oldest + Self.window - t).rounded(.up))))
        }
        window.append(t)
        return .allowed
    }

    /// Counts a "no match" for a client; returns true exactly once per window, when the count
    /// reaches the alert threshold.
    public func recordMiss(client: String) async -> Bool {
        if let ledger {
            let count = (try? await ledger.record(key: "miss|" + client, window: limits.missWindow, now: wallClock())) ?? 0
            return count == limits.missesBeforeAlert
        }
        let t = now()
        var entry = misses[client] ?? Misses(count: 0, windowStart: t, alerted: false)
        if t - entry.windowStart > limits.missWindow { entry = Misses(count: 0, windowStart: t, alerted: false) }
        entry.count += 1
        let alert = !entry.alerted && entry.count >= limits.missesBeforeAlert
        if alert { entry.alerted = true }
        misses[client] = entry
        return alert
    }

    /// Every few thousand requests, forgets what no window needs any more.
    private func pruneNowAndThen() async {
        requestsSincePrune += 1
        guard requestsSincePrune >= 4096 else { return }
        requestsSincePrune = 0
        prune()
        try? await ledger?.pruneRateLedger(before: wallClock() - max(Self.window, limits.missWindow))
    }

    /// Drops idle state so memory does not grow with every address ever seen.
    public func prune() {
        let t = now()
        recent = recent.filter { t - ($0.value.newest ?? 0) < Self.window }
        misses = misses.filter { t - $0.value.windowStart <= limits.missWindow }
    }
}

extension RateLimiter.Key {
    /// The key as a shared ledger stores it (the ledger keeps only a keyed token of it).
    var ledgerKey: String {
        switch self {
        case .client(let address): "client|" + address
        case .account(let id): "account|\(id)"
        }
    }

    var isAccount: Bool {
        if case .account = self { return true }
        return false
    }
}

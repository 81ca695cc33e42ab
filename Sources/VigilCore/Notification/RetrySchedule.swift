import Foundation

/// When to try a failed delivery again.
///
/// The default is Standard Webhooks' schedule: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
/// 10 h after each failure, with up to ±20 % jitter so that many endpoints failing together do not
/// retry together. A `Retry-After` from the receiver is honoured when it asks for longer.
public struct RetrySchedule: Sendable, Equatable {
    /// Delays in seconds before attempt 2, 3, …; their count is the number of retries.
    public var delays: [Double]
    public var jitter: Double

    public init(delays: [Double], jitter: Double = 0.2) {
        self.delays = delays
        self.jitter = jitter
    }

    public static let standardWebhooks = RetrySchedule(delays: [5, 300, 1800, 7200, 18000, 36000, 36000])

    /// The wait before the next attempt after `failedAttempts` failures, or `nil` when retries are exhausted.
    public func delay(afterFailedAttempts failedAttempts: Int, retryAfter: Double? = nil, using random: inout some RandomNumberGenerator) -> Double? {
        guard failedAttempts >= 1, failedAttempts <= delays.count else { return nil }
        let base = delays[failedAttempts - 1]
        let spread = base * jitter
        let jittered = spread > 0 ? base + Double.random(in: -spread...spread, using: &random) : base
        return max(jittered, retryAfter ?? 0)
    }

    /// Parses `0,1,1` (seconds), as given on the command line.
    public init?(parsing text: String) {
        let items = text.split(separator: ",")
        let delays = items.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 >= 0 }
        guard !delays.isEmpty, delays.count == items.count else { return nil }
        self.init(delays: delays, jitter: 0)
    }
}

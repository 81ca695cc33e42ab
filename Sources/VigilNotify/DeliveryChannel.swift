import Foundation
import VigilCore
import VigilStore

/// What happened when a channel tried to send a notice.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Try again later; `retryAfter` is the receiver's own request, in seconds, when it gave one.
    case retry(reason: String, retryAfter: Double?)
    /// The endpoint is gone for good (HTTP 410): disable the registration.
    case gone
    /// It will never work as configured (e.g. a 4xx other than 408/429): dead-letter now.
    case failed(reason: String)
}

/// A way of reaching a victim. Implementations must not log the address or the text.
public protocol DeliveryChannel: Sendable {
    func deliver(_ message: OutboxMessage, notice: NoticeText, payload: Data) async -> DeliveryOutcome
}

/// Maps an HTTP status from a webhook endpoint or a provider to an outcome, the Standard Webhooks way.
enum HTTPStatusPolicy {
    static func outcome(status: Int, retryAfter: String?) -> DeliveryOutcome {
        switch status {
        case 200..<300: return .delivered
        case 410: return .gone
        // Redirects are never followed (they could lead anywhere, internal hosts included); a 3xx is a
        // failed attempt like a 5xx, so a receiver that moved gets retries and then a dead letter.
        case 300..<400:
            return .retry(reason: "HTTP \(status) (redirects are not followed)", retryAfter: nil)
        case 408, 429, 500..<600:
            return .retry(reason: "HTTP \(status)", retryAfter: retryAfter.flatMap(Double.init))
        default: return .failed(reason: "HTTP \(status)")
        }
    }
}

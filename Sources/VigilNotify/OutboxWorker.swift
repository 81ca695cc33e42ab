import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Delivers the outbox: claims due notices under a lease, sends each through its channel, and
/// records what happened. Several workers (threads or processes) may run on one store: a lease
/// keeps two of them from sending the same notice at once, and a worker killed mid-delivery only
/// delays its notices until the lease runs out. Delivery is at least once; receivers deduplicate
/// on the stable message id.
///
/// Each notice is weighed against the disclosure policy as it is sent (``NoticeScreening``): a notice
/// about a person who has since gained a protection or whose record is held is withheld, not sent.
public struct OutboxWorker: Service {
    public struct Configuration: Sendable {
        public var pollInterval: Duration
        public var batchSize: Int
        /// How long a claimed notice is reserved for this worker.
        public var lease: Double
        public var retry: RetrySchedule
        /// How often a notice waiting for acknowledgement is repeated, and how many times.
        public var repeatInterval: Double
        public var maxRepeats: Int
        /// The server's public base URL, for the status link in notices.
        public var publicURL: String

        public init(
            pollInterval: Duration = .milliseconds(100), batchSize: Int = 128, lease: Double = 30,
            retry: RetrySchedule = .standardWebhooks, repeatInterval: Double = 4 * 3600, maxRepeats: Int = 6,
            publicURL: String = "http://127.0.0.1:8080"
        ) {
            self.pollInterval = pollInterval
            self.batchSize = batchSize
            self.lease = lease
            self.retry = retry
            self.repeatInterval = repeatInterval
            self.maxRepeats = maxRepeats
            self.publicURL = publicURL
        }
    }

    let store: any NoticeStore
    let channels: [NotificationChannel: any DeliveryChannel]
    let configuration: Configuration
    let logger: Logger

    public init(
        store: any NoticeStore, channels: [NotificationChannel: any DeliveryChannel], configuration: Configuration,
        logger: Logger
    ) {
        self.store = store
        self.channels = channels
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let sent: Int
                do {
                    sent = try await deliverDue()
                } catch {
                    logger.error("outbox pass failed", metadata: ["error.type": "\(type(of: error))"])
                    sent = 0
                }
                if sent == 0 { try? await Task.sleep(for: configuration.pollInterval) }
            }
        }
    }

    /// One pass: claim what is due and deliver it. Returns how many notices were attempted.
    @discardableResult
    public func deliverDue(now: Double = Date().timeIntervalSince1970) async throws -> Int {
        let messages = try await store.claimDueMessages(now: now, limit: configuration.batchSize, lease: configuration.lease)
        guard !messages.isEmpty else { return 0 }
        let verdict = try await NoticeScreening(store: store).screen(messages, at: Timestamp(secondsSinceEpoch: Int64(now)))
        for withheld in verdict.withhold {
            try await store.withholdNotice(withheld)
            logger.notice("notice withheld by the disclosure policy", metadata: ["outbox": "\(withheld.id)", "rule": "\(withheld.rule)"])
        }
        // Deliveries are recorded together, in one transaction per batch: a write per notice made the
        // store, not the receivers, the limit on a mass release. A crash before the write only means
        // the batch is sent again when its lease lapses (at least once, deduplicated by message id).
        let delivered = try await withThrowingTaskGroup(of: DeliveredMark?.self) { group in
            for message in verdict.deliver {
                group.addTask { try await deliver(message) }
            }
            var marks: [DeliveredMark] = []
            for try await mark in group { if let mark { marks.append(mark) } }
            return marks
        }
        try await store.markDelivered(delivered)
        return messages.count
    }

    /// Sends one notice; returns its delivery mark, or records any other outcome itself.
    private func deliver(_ message: OutboxMessage) async throws -> DeliveredMark? {
        let statusURL = configuration.publicURL + "/api/v1/registrations/me"
        // The web page that takes the PIN, with this notice's number filled in.
        let acknowledgeURL = configuration.publicURL + "/acknowledge?message=" + message.messageID
        let notice = NoticeText.make(
            kind: message.kind, language: message.registration.language, pin: message.pin, statusURL: statusURL,
            acknowledgeURL: acknowledgeURL)
        let payload = Self.payload(message, statusURL: statusURL)
        let outcome: DeliveryOutcome
        if let channel = channels[message.registration.channel] {
            outcome = await channel.deliver(message, notice: notice, payload: payload)
        } else {
            outcome = .failed(reason: "no \(message.registration.channel.rawValue) channel is configured")
        }
        let now = Date().timeIntervalSince1970
        switch outcome {
        case .delivered:
            let repeats = message.pin != nil && message.repeats < configuration.maxRepeats
            return DeliveredMark(id: message.id, at: now, repeatAt: repeats ? now + configuration.repeatInterval : nil)
        case .retry(let reason, let retryAfter):
            var random = SystemRandomNumberGenerator()
            if let delay = configuration.retry.delay(afterFailedAttempts: message.attempt, retryAfter: retryAfter, using: &random) {
                try await store.scheduleRetry(id: message.id, at: now + delay, reason: reason)
            } else {
                try await store.deadLetter(id: message.id, at: now, reason: "retries exhausted: \(reason)")
                logger.warning("notice dead-lettered", metadata: ["outbox": "\(message.id)", "reason": "\(reason)"])
            }
        case .gone:
            try await store.disableRegistration(id: message.registration.id, reason: "endpoint answered 410 Gone")
            logger.notice("registration disabled", metadata: ["registration": "\(message.registration.id)"])
        case .failed(let reason):
            try await store.deadLetter(id: message.id, at: now, reason: reason)
            logger.warning("notice dead-lettered", metadata: ["outbox": "\(message.id)", "reason": "\(reason)"])
        }
        return nil
    }

    /// The webhook body, in Standard Webhooks' `{type, timestamp, data}` shape, with no personal data.
    static func payload(_ message: OutboxMessage, statusURL: String) -> Data {
        let object: [String: Any] = [
            "type": "custody.\(message.kind.rawValue)",
            "timestamp": message.occurredAt.description,
            "data": [
                "message_id": message.messageID,
                "registration": "reg_\(message.registration.id)",
                "event": message.kind.rawValue,
                "occurred_at": message.occurredAt.description,
                "status_url": statusURL,
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

import VigilCore

/// How a victim is told: a signed webhook, an email or SMS through a provider, or a local file (demo).
public enum NotificationChannel: String, CaseIterable, Sendable, Codable {
    case webhook, email, sms, file
}

/// A registration, decrypted for the worker or for its owner.
public struct Registration: Sendable, Equatable {
    public var id: Int64
    public var personID: Int64
    public var channel: NotificationChannel
    /// A URL, an email address, a phone number or a folder: personal data, sealed at rest.
    public var address: String
    public var language: NoticeLanguage
    public var status: String

    /// Whether the registration's token still opens anything. A cancelled, expired (purged) or
    /// disabled (its endpoint said it is gone) registration's token is refused everywhere.
    public var isLive: Bool { status == "active" }

    package init(
        id: Int64, personID: Int64, channel: NotificationChannel, address: String, language: NoticeLanguage, status: String
    ) {
        self.id = id
        self.personID = personID
        self.channel = channel
        self.address = address
        self.language = language
        self.status = status
    }
}

/// One notice waiting in the outbox, with everything a channel needs to send it.
public struct OutboxMessage: Sendable, Equatable {
    public var id: Int64
    /// Stable across retries and restarts: receivers deduplicate on it.
    public var messageID: String
    public var registration: Registration
    /// The `whsec_` secret, for webhooks.
    public var webhookSecret: String?
    public var kind: CustodyEventKind
    public var occurredAt: Timestamp
    /// When the event was written to the outbox, for event-to-delivery latency.
    public var enqueuedAt: Double
    /// Attempts so far, this one included.
    public var attempt: Int
    /// The acknowledgement PIN, when this notice asks for one.
    public var pin: String?
    public var repeats: Int

    package init(
        id: Int64, messageID: String, registration: Registration, webhookSecret: String? = nil, kind: CustodyEventKind, occurredAt: Timestamp, enqueuedAt: Double, attempt: Int, pin: String? = nil, repeats: Int
    ) {
        self.id = id
        self.messageID = messageID
        self.registration = registration
        self.webhookSecret = webhookSecret
        self.kind = kind
        self.occurredAt = occurredAt
        self.enqueuedAt = enqueuedAt
        self.attempt = attempt
        self.pin = pin
        self.repeats = repeats
    }
}

public enum RegistrationOutcome: Sendable, Equatable {
    case registered(id: Int64)
    /// The code is unknown, already used or expired: the caller learns nothing more.
    case invalidCode
}

/// Case codes, registrations and the outbox.
public protocol NotificationStore: Sendable {
    /// Issues a one-time case code for a record of `source`. `nil` when the source has no such record.
    func issueCase(source: String, sourceRecordID: String, codeHash: String, expiresAt: Timestamp, at: Timestamp) async throws -> Int64?

    /// Uses a case code once to register a channel. Contact details and the webhook secret are sealed.
    func register(
        codeHash: String, channel: NotificationChannel, address: String, language: NoticeLanguage, tokenHash: String,
        webhookSecret: String?, at: Timestamp
    ) async throws -> RegistrationOutcome

    func registration(tokenHash: String) async throws -> Registration?
    func cancelRegistration(id: Int64, at: Timestamp) async throws

    /// Leases up to `limit` due messages for `lease` seconds. A worker that dies mid-delivery loses its
    /// lease and the message is claimed again: at-least-once delivery.
    func claimDueMessages(now: Double, limit: Int, lease: Double) async throws -> [OutboxMessage]
    /// Records deliveries, all in one transaction: a worker writes a whole batch's at once.
    func markDelivered(_ marks: [DeliveredMark]) async throws
    func scheduleRetry(id: Int64, at: Double, reason: String) async throws
    func deadLetter(id: Int64, at: Double, reason: String) async throws
    /// The endpoint said it is gone (410): stop sending to it.
    func disableRegistration(id: Int64, reason: String) async throws
    /// The disclosure policy, evaluated as the notice was about to be sent, no longer lets it be told
    /// (the person gained a protection, a record is held): the notice is never sent. In one transaction
    /// the outbox row becomes `withheld`, a `notice_withheld` alert is raised (for the agency and oversight)
    /// and the decision is audited with the rule that made it.
    func withholdNotice(_ notice: WithheldNotice) async throws
    /// Checks a PIN for a message; a right PIN stops the reminders.
    func acknowledge(messageID: String, pin: String, at: Timestamp) async throws -> Bool
    /// Outbox rows by status (`pending`, `delivered`, `acknowledged`, `dead`).
    func outboxCounts() async throws -> [String: Int]
    /// Delivery latencies (seconds from enqueue to first delivery) of delivered messages.
    func deliveryLatencies() async throws -> [Double]
}

/// A notice the policy stopped at the moment of sending. Opaque references only: no personal data.
public struct WithheldNotice: Sendable, Equatable {
    public var id: Int64
    public var registrationID: Int64
    /// The policy rule that decided (``VigilCore/DisclosurePolicy/Rule``'s raw value).
    public var rule: String
    /// The sources holding the person's records: the agencies the alert is for.
    public var sources: [String]
    public var at: Timestamp

    public init(id: Int64, registrationID: Int64, rule: String, sources: [String], at: Timestamp) {
        self.id = id
        self.registrationID = registrationID
        self.rule = rule
        self.sources = sources
        self.at = at
    }

    /// The alert's details and the audit entry's fields (the same opaque references).
    package var fields: [String: String] {
        ["action": "notice_withheld", "outbox": String(id), "registration": String(registrationID), "rule": rule,
         "sources": Set(sources).sorted().joined(separator: ",")]
    }
}

/// A notice that reached its receiver.
public struct DeliveredMark: Sendable, Equatable {
    public var id: Int64
    /// When it was delivered (seconds since 1970).
    public var at: Double
    /// When to repeat a notice that waits for acknowledgement; `nil` for one that does not.
    public var repeatAt: Double?

    public init(id: Int64, at: Double, repeatAt: Double?) {
        self.id = id
        self.at = at
        self.repeatAt = repeatAt
    }
}

extension NotificationStore {
    /// Records one delivery. `repeatAt` schedules the next reminder of a notice that waits for acknowledgement.
    public func markDelivered(id: Int64, at time: Double, repeatAt: Double?) async throws {
        try await markDelivered([DeliveredMark(id: id, at: time, repeatAt: repeatAt)])
    }
}

import Foundation
import NIOCore
import Testing
import VigilCore
import VigilCrypto
import VigilStore
import VigilTestSupport
@testable import VigilNotify

/// Delivery-time protection: redirects are never followed, and the address a delivery connects to is
/// checked at that moment, whatever the host resolved to when it was registered.
@Suite struct WebhookEgressTests {
    /// A request timeout for deliveries that must arrive: the receiver answers on Swift's two-thread pool,
    /// which the rest of a parallel suite can keep busy for longer than the default 10 s.
    static let patience: TimeAmount = .seconds(60)

    func message(to address: String, secret: String) -> OutboxMessage {
        OutboxMessage(
            id: 1, messageID: "msg_\(UUID().uuidString)",
            registration: Registration(id: 1, personID: 1, channel: .webhook, address: address, language: .en, status: "active"),
            webhookSecret: secret, kind: .released, occurredAt: Timestamp(secondsSinceEpoch: 1_800_000_000), enqueuedAt: 0,
            attempt: 1, repeats: 0)
    }

    func deliver(_ channel: WebhookChannel, _ message: OutboxMessage) async -> DeliveryOutcome {
        let notice = NoticeText.make(kind: .released, language: .en, pin: nil, statusURL: "https://vigil.example/s")
        return await channel.deliver(message, notice: notice, payload: Data(#"{"type":"custody.released"}"#.utf8))
    }

    @Test func aRedirectIsAFailedAttemptAndItsTargetIsNeverHit() async throws {
        let secret = WebhookSecret.generate().encoded
        let elsewhere = WebhookReceiver(secrets: [secret])
        try await elsewhere.start()
        defer { elsewhere.stop() }
        let redirecting = WebhookReceiver(secrets: [secret])
        redirecting.status = .temporaryRedirect
        redirecting.location = elsewhere.url
        try await redirecting.start()
        defer { redirecting.stop() }

        let channel = WebhookChannel(policy: .init(allowPrivate: true), timeout: Self.patience)
        for _ in 0..<3 {
            let outcome = await deliver(channel, message(to: redirecting.url, secret: secret))
            guard case .retry(let reason, _) = outcome else {
                Issue.record("a 307 must be retried like any failure, got \(outcome)")
                return
            }
            #expect(reason.contains("307"))
        }
        #expect(redirecting.totalAttempts == 3)
        #expect(elsewhere.totalAttempts == 0)
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func everyRedirectStatusIsRetried(status: Int) {
        guard case .retry = HTTPStatusPolicy.outcome(status: status, retryAfter: nil) else {
            Issue.record("HTTP \(status) must be a retried failure")
            return
        }
    }

    @Test func aHostThatNowResolvesToLoopbackIsRefusedAtDelivery() async throws {
        let secret = WebhookSecret.generate().encoded
        let receiver = WebhookReceiver(secrets: [secret])
        try await receiver.start()
        defer { receiver.stop() }
        // The name was public when registered, then its DNS was changed to point at this machine.
        let dns = SwitchableResolver(["93.184.216.34"])
        let policy = WebhookAddressPolicy(allowPrivate: false, resolver: dns)
        let address = "https://hooks.rebind.test:\(receiver.port)/hooks"
        #expect(await policy.refusal(for: address) == nil)
        dns.answer = ["127.0.0.1"]

        let outcome = await deliver(WebhookChannel(policy: policy), message(to: address, secret: secret))
        guard case .retry(let reason, _) = outcome else {
            Issue.record("expected a retried refusal, got \(outcome)")
            return
        }
        #expect(reason == "webhook address refused: loopback address")
        #expect(receiver.totalAttempts == 0)
    }

    @Test func aDeliveryConnectsToTheAddressThatWasChecked() async throws {
        let secret = WebhookSecret.generate().encoded
        let receiver = WebhookReceiver(secrets: [secret])
        try await receiver.start()
        defer { receiver.stop() }
        // `hooks.pinned.test` exists only in this resolver: the HTTP client cannot have looked it up itself.
        let policy = WebhookAddressPolicy(allowPrivate: true, resolver: SwitchableResolver(["127.0.0.1"]))
        let outcome = await deliver(WebhookChannel(policy: policy, timeout: Self.patience), message(to: "http://hooks.pinned.test:\(receiver.port)/hooks", secret: secret))
        #expect(outcome == .delivered)
        #expect(receiver.received.count == 1)
        #expect(receiver.received.first?.validSignature == true)
    }
}

/// A resolver whose answer the test changes, as DNS can change between registration and delivery.
final class SwitchableResolver: HostResolver, @unchecked Sendable {
    private let lock = NSLock()
    private var current: [String]

    init(_ answer: [String]) { current = answer }

    var answer: [String] {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }

    func addresses(of host: String) async throws -> [IPAddress] { answer.compactMap { IPAddress($0) } }
}

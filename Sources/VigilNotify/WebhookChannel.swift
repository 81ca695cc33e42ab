import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import VigilCore
import VigilCrypto
import VigilStore

/// Signed webhooks per Standard Webhooks: `webhook-id` (the stable message id), `webhook-timestamp`,
/// `webhook-signature`. The body is the thin payload: no personal data, only what changed and
/// where to fetch it with the registration's token.
public struct WebhookChannel: DeliveryChannel {
    /// Names the sending process, so an operator running several instances can tell which one delivered.
    /// (A process id, never anything about the person.)
    static let userAgent = "Vigil-Webhooks/1 (pid \(ProcessInfo.processInfo.processIdentifier))"

    let policy: WebhookAddressPolicy
    let proxy: WebhookProxy?
    let timeout: TimeAmount

    /// `policy` decides which hosts may be reached (by default: public hosts over https only).
    public init(policy: WebhookAddressPolicy = .init(), proxy: WebhookProxy? = nil, timeout: TimeAmount = .seconds(10)) {
        self.policy = policy
        self.proxy = proxy
        self.timeout = timeout
    }

    public func deliver(_ message: OutboxMessage, notice: NoticeText, payload: Data) async -> DeliveryOutcome {
        guard let secret = message.webhookSecret.flatMap(WebhookSecret.init(encoded:)) else {
            return .failed(reason: "registration has no webhook secret")
        }
        // Checked again now, against the address this delivery will connect to: DNS may have changed
        // since registration. A refused address is a failed attempt, retried (DNS may change back) and in
        // the end dead-lettered with an alert; the reason names the range, never the address.
        let target: WebhookAddressPolicy.Target
        switch await policy.target(for: message.registration.address) {
        case .success(let checked): target = checked
        case .failure(let refusal): return .retry(reason: "webhook address refused: \(refusal.shortReason)", retryAfter: nil)
        }
        let client = await PinnedClients.shared.client(for: target, proxy: proxy)
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: message.registration.address)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: Self.userAgent)
        request.headers.add(name: "webhook-id", value: message.messageID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: secret.signature(id: message.messageID, timestamp: timestamp, body: payload))
        request.body = .bytes(ByteBuffer(bytes: payload))
        do {
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)  // drain, so the connection can be reused
            return HTTPStatusPolicy.outcome(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
        } catch {
            return .retry(reason: "connection failed", retryAfter: nil)
        }
    }
}

/// Email and SMS through a provider's HTTP API: `POST {baseURL}/messages` with a bearer key and
/// `{"channel","to","from","subject","text"}`. Providers differ; this is the one shape Vigil speaks,
/// and a small adapter in front of a given provider maps it.
public struct ProviderChannel: DeliveryChannel {
    public struct Configuration: Sendable {
        public var baseURL: String
        public var apiKey: String
        public var sender: String

        public init(baseURL: String, apiKey: String, sender: String) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.sender = sender
        }
    }

    let configuration: Configuration
    let client: HTTPClient

    public init(configuration: Configuration, client: HTTPClient = .shared) {
        self.configuration = configuration
        self.client = client
    }

    public func deliver(_ message: OutboxMessage, notice: NoticeText, payload: Data) async -> DeliveryOutcome {
        let body: [String: String] = [
            "channel": message.registration.channel.rawValue, "to": message.registration.address,
            "from": configuration.sender, "subject": notice.subject, "text": notice.body,
            "idempotency_key": message.messageID + "-\(message.repeats)",
        ]
        var request = HTTPClientRequest(url: configuration.baseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/messages")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "authorization", value: "Bearer \(configuration.apiKey)")
        request.headers.add(name: "idempotency-key", value: message.messageID + "-\(message.repeats)")
        do {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
            let response = try await client.execute(request, timeout: .seconds(15))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return HTTPStatusPolicy.outcome(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
        } catch {
            return .retry(reason: "provider unreachable", retryAfter: nil)
        }
    }
}

/// Writes each notice as a file in a local folder, so that a new user of `vigil demo` can read the
/// messages a victim would get. The registration's address is the folder.
public struct FileChannel: DeliveryChannel {
    public init() {}

    public func deliver(_ message: OutboxMessage, notice: NoticeText, payload: Data) async -> DeliveryOutcome {
        let folder = URL(fileURLWithPath: message.registration.address)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let name = "\(message.messageID)-\(message.repeats).txt"
            let text = "Subject: \(notice.subject)\nMessage-ID: \(message.messageID)\n\n\(notice.body)\n"
            // Born 0600 (a notice can carry an acknowledgement PIN, which no other local user should read),
            // written whole under a temporary name, then renamed: a reader never sees half a notice.
            try SecretFile.write(Data(text.utf8), to: folder.appendingPathComponent(name).path)
            return .delivered
        } catch {
            return .retry(reason: "cannot write to the folder", retryAfter: nil)
        }
    }
}

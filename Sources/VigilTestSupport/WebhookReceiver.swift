import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import VigilCrypto

/// A Standard Webhooks receiver on loopback, for tests: it checks every signature and records what
/// arrived. `failuresBeforeSuccess` makes it answer 503 to the first attempts of each message.
public final class WebhookReceiver: @unchecked Sendable {
    public struct Delivery: Sendable {
        public var id: String
        public var validSignature: Bool
        public var body: Data
        /// The sender's `user-agent`: which process delivered it.
        public var sender: String = ""
    }

    private let lock = NSLock()
    private var deliveries: [Delivery] = []
    private var messages: [[String: String]] = []
    private var attemptsByID: [String: Int] = [:]
    private var secrets: [String]
    public var failuresBeforeSuccess = 0
    public var status: HTTPResponse.Status = .noContent
    /// Sent as `location` with every answer: with a 3xx `status`, a redirect to another receiver.
    public var location: String?
    /// A pause before answering, to make a delivery run long enough to interrupt.
    public var delay: Duration = .zero
    public private(set) var port = 0
    private var task: Task<Void, Error>?

    public init(secrets: [String] = []) { self.secrets = secrets }

    public func add(secret: String) { lock.withLock { secrets.append(secret) } }

    public var url: String { "http://127.0.0.1:\(port)/hooks" }
    public var received: [Delivery] { lock.withLock { deliveries } }
    /// Bodies posted to `/messages`, the email/SMS provider API.
    public var providerMessages: [[String: String]] { lock.withLock { messages } }
    public var distinctIDs: Set<String> { lock.withLock { Set(deliveries.map(\.id)) } }
    public func attempts(_ id: String) -> Int { lock.withLock { attemptsByID[id, default: 0] } }
    /// Every request received, accepted or not.
    public var totalAttempts: Int { lock.withLock { attemptsByID.values.reduce(0, +) } }

    /// Starts listening on an ephemeral port and returns once the port is known.
    public func start() async throws {
        let router = Router()
        router.post("/hooks") { request, _ -> Response in
            var request = request
            let body = Data(buffer: try await request.collectBody(upTo: 1 << 20))
            if self.delay > .zero { try await Task.sleep(for: self.delay) }
            return self.handle(headers: request.headers, body: body)
        }
        router.post("/messages") { request, _ -> Response in
            var request = request
            let body = Data(buffer: try await request.collectBody(upTo: 1 << 20))
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: String] ?? [:]
            self.lock.withLock { self.messages.append(object) }
            return Response(status: .accepted)
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) }
        )
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        for await port in ready.stream {
            self.port = port
            break
        }
    }

    public func stop() { task?.cancel() }

    private func handle(headers: HTTPFields, body: Data) -> Response {
        func header(_ name: String) -> String { headers.first { $0.name.canonicalName == name }?.value ?? "" }
        let id = header("webhook-id")
        let timestamp = Int64(header("webhook-timestamp")) ?? 0
        let signature = header("webhook-signature")
        return lock.withLock {
            attemptsByID[id, default: 0] += 1
            if attemptsByID[id, default: 0] <= failuresBeforeSuccess { return Response(status: .serviceUnavailable) }
            let valid = secrets.contains { WebhookSecret(encoded: $0)?.verify(signatureHeader: signature, id: id, timestamp: timestamp, body: body) ?? false }
            deliveries.append(Delivery(id: id, validSignature: valid, body: body, sender: header("user-agent")))
            guard let location else { return Response(status: status) }
            return Response(status: status, headers: [.location: location])
        }
    }
}

import Hummingbird
import Logging
import NIOCore
import VigilCore
import VigilStore

/// The per-request context: Hummingbird's core storage, the client's address and the resolved requester.
public struct VigilRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var requester: Requester = .anonymous
    public var registration: Registration?
    /// The client's address when a trusted proxy forwarded the request (see ``TrustedProxies``).
    public var forwardedClient: String?

    /// The connection, to stop reading from a client that missed its deadline.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// API bodies are a few hundred bytes; 64 KiB leaves room and stops a memory attack.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The client's IP address, without its port (as a trusted proxy forwarded it, or the TCP peer).
    public var clientAddress: String { forwardedClient ?? remoteAddress?.ipAddress ?? "unknown" }

    /// The key the rate limiter and the enumeration count take: the address for IPv4, its /64 for
    /// IPv6 (see ``ClientNetwork``).
    public var clientKey: String { ClientNetwork.key(for: clientAddress) }
}

/// What the middleware learned about the request, for the OpenAPI handlers (which see no context).
public struct RequestScope: Sendable {
    public var requester: Requester
    public var client: String
    /// Set when the bearer token is a victim's registration token.
    public var registration: Registration?

    @TaskLocal public static var current = RequestScope(requester: .anonymous, client: "unknown")
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// An egress proxy for webhooks (`--webhook-proxy`), for deployments that route outbound traffic through one.
public struct WebhookProxy: Sendable, Hashable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `http://proxy.internal:3128` (or without the scheme); nil when it names no host and port.
    public init?(url: String) {
        let text = url.contains("://") ? url : "http://" + url
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
              let host = components.host, !host.isEmpty, components.user == nil
        else { return nil }
        self.init(host: host, port: components.port ?? 3128)
    }
}

/// HTTP clients that connect to one checked address each. A delivery resolves the webhook's host once,
/// checks every address (``WebhookAddressPolicy``), and then connects to exactly that address: the
/// client's `dnsOverride` pins the host to it while the Host header and TLS (SNI and certificate) still
/// name the host. A second lookup inside the HTTP client, which DNS rebinding would exploit, never happens.
///
/// Redirects are never followed (`.disallow`): a 3xx comes back as a response, and the worker treats it
/// as a failed attempt. The clients live for the whole process, as `HTTPClient.shared` does, so that
/// connections are reused across deliveries; the table is bounded, and a client pushed out is shut down.
actor PinnedClients {
    static let shared = PinnedClients()

    struct Key: Hashable {
        var host: String
        var address: IPAddress
        var proxy: WebhookProxy?
    }

    private var clients: [Key: HTTPClient] = [:]
    private var order: [Key] = []
    private let capacity = 256

    func client(for target: WebhookAddressPolicy.Target, proxy: WebhookProxy?) -> HTTPClient {
        let key = Key(host: target.host, address: target.address, proxy: proxy)
        if let client = clients[key] { return client }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.proxy = proxy.map { .server(host: $0.host, port: $0.port) }
        // An address literal needs no pinning; a name is pinned to the address that was checked.
        if IPAddress(target.host) == nil {
            configuration.dnsOverride = [target.host: target.address.description]
        }
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        clients[key] = client
        order.append(key)
        if order.count > capacity {
            let evicted = order.removeFirst()
            if let old = clients.removeValue(forKey: evicted) {
                Task { try? await old.shutdown() }
            }
        }
        return client
    }
}

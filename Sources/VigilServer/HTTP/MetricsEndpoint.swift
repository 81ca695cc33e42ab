import Hummingbird
import Logging
import NIOCore

/// `/metrics`: Prometheus text with a latency histogram per route. Those latencies are a side channel
/// (a lookup that reached a protected person may take longer), so only the operator reads them: on
/// the API's listener a loopback client that no proxy forwarded, or anyone who reaches the separate
/// `--metrics-host/--metrics-port` listener, which the operator keeps off the public network.
enum MetricsEndpoint {
    static func response() -> Response {
        var buffer = [UInt8]()
        PrometheusExport.registry.emit(into: &buffer)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    /// A loopback peer, and no forwarding header at all: a proxy on this machine that forwards a public
    /// client makes the peer loopback, so a forwarded request is public whether or not the proxy is trusted.
    static func isLocal(_ request: Request, _ context: VigilRequestContext) -> Bool {
        let forwarded = request.headers.contains { ["x-forwarded-for", "forwarded", "x-real-ip"].contains($0.name.canonicalName) }
        guard !forwarded, let peer = context.remoteAddress?.ipAddress else { return false }
        return isLoopback(peer)
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.lowercased().hasPrefix("::ffff:127.")
    }

    /// The separate listener: `/metrics` and nothing else.
    static func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ in response() }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Vigil metrics"), logger: logger)
    }
}

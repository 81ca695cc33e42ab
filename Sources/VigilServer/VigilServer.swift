import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import OpenAPIHummingbird
import Prometheus
import ServiceLifecycle
import VigilCore
import VigilCrypto
import VigilNotify
import VigilStore
import VigilWeb

/// How `vigil serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var limits: RateLimiter.Limits
    /// How often the audit log's head is signed while the server runs.
    public var checkpointInterval: Duration
    public var retention: RetentionPolicy
    /// Proxies whose `X-Forwarded-For` names the client (none: the TCP peer is the client).
    public var trustedProxies: TrustedProxies = .none
    /// A connection that sends nothing for this long, a half-sent request included, is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// A request body must have arrived in full this long after it started (checked as each chunk
    /// arrives): a client that trickles a byte now and then is not idle, but may not hold the connection either.
    public var bodyDeadline: Duration = .seconds(60)
    /// Where `/metrics` is served apart from the API (`--metrics-host/--metrics-port`). Without one,
    /// the API's listener serves it to loopback clients only.
    public var metricsListener: (host: String, port: Int)?
    /// Which webhook addresses registrations may name; by default public hosts over https only.
    public var webhooks = WebhookAddressPolicy()

    public init(
        host: String = "127.0.0.1", port: Int = 8080, limits: RateLimiter.Limits = .init(),
        checkpointInterval: Duration = .seconds(10), retention: RetentionPolicy = .init()
    ) {
        self.retention = retention
        self.host = host
        self.port = port
        self.limits = limits
        self.checkpointInterval = checkpointInterval
    }
}

/// Everything the server needs from a store.
public typealias ServerStore = CompleteStore

/// Builds the Vigil HTTP application: the OpenAPI operations behind problem, body-limit,
/// authentication and rate-limit middleware, plus `/openapi.yaml`, `/metrics` and the web pages.
public enum VigilServer {
    public static func application(
        store: some ServerStore, keyring: Keyring, configuration: ServerConfiguration,
        clock: @escaping LookupService.Clock = { Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) },
        logger: Logger = Logger(label: "vigil"), services: [any Service] = []
    ) throws -> some ApplicationProtocol {
        let router = try router(store: store, keyring: keyring, configuration: configuration, clock: clock, logger: logger)
        var app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Vigil"),
            logger: logger
        )
        if let listener = configuration.metricsListener {
            app.addServices(MetricsEndpoint.application(host: listener.host, port: listener.port, logger: logger))
        }
        app.addServices(services)
        app.addServices(PurgeService(store: store, policy: configuration.retention, clock: clock, logger: logger))
        app.addServices(CheckpointService(store: store, keyring: keyring, interval: configuration.checkpointInterval, clock: clock, logger: logger))
        return app
    }

    public static func router(
        store: some ServerStore, keyring: Keyring, configuration: ServerConfiguration,
        clock: @escaping LookupService.Clock, logger: Logger
    ) throws -> Router<VigilRequestContext> {
        // Bootstraps swift-metrics before the first request is measured.
        _ = PrometheusExport.registry
        // Several instances on one database count together; a lone SQLite server counts in memory.
        let limiter = RateLimiter(limits: configuration.limits, ledger: store as? any SharedRateLedger)
        let lookups = LookupService(store: store, keyring: keyring, clock: clock, logger: logger)
        // The browser pages share the API's lookup path and limiter (see ServerWebGateway).
        let gateway = ServerWebGateway(
            lookups: lookups, limiter: limiter, access: store, clock: clock, webhooks: configuration.webhooks)
        let pages = try WebPages(store: store, gateway: gateway, keyring: keyring, clock: clock, logger: logger)
        let router = Router(context: VigilRequestContext.self)
        // First: every check after it sees the path the router matched, in one spelling.
        router.add(middleware: CanonicalPathMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: BodyLimitMiddleware(allowsUpload: pages.allowsUpload, deadline: configuration.bodyDeadline))
        router.add(middleware: ForwardedClientMiddleware(proxies: configuration.trustedProxies))
        router.add(middleware: AuthenticationMiddleware(accounts: store, registrations: store))
        router.add(middleware: RateLimitMiddleware(limiter: limiter))
        // After the limit: a request out of bounds still counts as a guess.
        router.add(middleware: RequestBoundsMiddleware())
        router.add(middleware: WebNotFoundMiddleware(pages: pages))
        // After the middleware: Hummingbird wraps each route with the middleware present when it is added.
        let stats = addStatsRoutes(to: router, store: store, clock: clock, logger: logger)
        pages.register(on: router)

        let handler = APIHandler(
            lookups: lookups,
            audit: store, access: store, notifications: store, accuracy: store, limiter: limiter, stats: stats, clock: clock,
            webhooks: configuration.webhooks, logger: logger
        )
        // Compact, sorted JSON: the same answer is always the same bytes.
        try handler.registerHandlers(on: router, configuration: .init(jsonEncodingOptions: [.sortedKeys]))

        let spec = try openAPIDocument()
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: spec)))
        }
        // Latency per route tells when a lookup reached a protected person; it is the operator's alone.
        router.get("/metrics") { request, context in
            guard configuration.metricsListener == nil, MetricsEndpoint.isLocal(request, context) else { throw Problem.notFound }
            return MetricsEndpoint.response()
        }
        return router
    }

    /// The OpenAPI document the server was generated from, shipped as a resource.
    public static func openAPIDocument() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "openapi.yaml is missing from the VigilServer bundle"])
        }
        return try Data(contentsOf: url)
    }
}

/// Prometheus metrics: swift-metrics is bootstrapped with a Prometheus factory once per process
/// (a `static let` runs exactly once), and Hummingbird's `MetricsMiddleware` records every request.
enum PrometheusExport {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilCrypto
import VigilNotify
import VigilServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP API (see /openapi.yaml)."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var notify: NotifyOptions
    @Flag(help: "Do not deliver notices from this process (run `vigil worker` elsewhere).") var noWorker = false

    func run() async throws {
        let (opened, keyring) = try await store.open()
        let worker = noWorker ? nil : notify.worker(
            store: opened, defaultURL: "http://\(server.host):\(server.port)", logger: Logger(label: "vigil.worker"))
        var configuration = server.configuration
        configuration.webhooks = notify.webhookPolicy
        let app = try VigilServer.application(
            store: opened, keyring: keyring, configuration: configuration, services: worker.map { [$0] } ?? [])
        Terminal.note("serving on http://\(server.host):\(server.port) (API contract at /openapi.yaml)")
        try await app.runService()
    }
}

struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Public lookups allowed per client address per minute.") var publicLookupsPerMinute = 30
    @Option(help: "Lookups allowed per account per minute.") var accountLookupsPerMinute = 600
    @Option(help: "Public misses from one client, within 10 minutes, that raise an enumeration alert.")
    var missesBeforeAlert = 10
    @Option(help: "Days a record stays after release, removal or death before the daily purge erases it.")
    var retentionDays = 60
    @Option(help: ArgumentHelp(
        "A reverse proxy or load balancer whose X-Forwarded-For header names the client (an address or a.b.c.d/bits; repeatable).",
        valueName: "address"))
    var trustedProxy: [String] = []
    @Option(help: ArgumentHelp("Close a connection silent this long, a half-sent request included.", valueName: "seconds"))
    var idleTimeout = 30
    @Option(help: "Serve /metrics on this address (with --metrics-port) instead of to loopback clients of the API's listener.")
    var metricsHost = "127.0.0.1"
    @Option(help: "Serve /metrics on its own listener on this port, never on the API's.") var metricsPort: Int?

    func validate() throws {
        do { _ = try TrustedProxies(trustedProxy) } catch { throw ValidationError(error.description) }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be at least 1 second.") }
    }

    var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(
            host: host, port: port,
            limits: .init(publicPerMinute: publicLookupsPerMinute, accountPerMinute: accountLookupsPerMinute,
                          missesBeforeAlert: missesBeforeAlert),
            retention: RetentionPolicy(days: retentionDays)
        )
        // Checked by validate().
        configuration.trustedProxies = (try? TrustedProxies(trustedProxy)) ?? .none
        configuration.idleTimeout = .seconds(idleTimeout)
        configuration.metricsListener = metricsPort.map { (metricsHost, $0) }
        return configuration
    }
}

import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilNotify
import VigilStore

/// How notices are delivered: shared by `vigil serve` (which runs a worker) and `vigil worker`.
struct NotifyOptions: ParsableArguments {
    @Option(help: "Retry delays in seconds, comma-separated (default: Standard Webhooks' schedule with jitter).")
    var retrySchedule: String?
    @Option(help: "Seconds a worker holds a claimed notice; after a crash it is sent again once this passes.")
    var leaseSeconds: Double = 30
    @Option(help: "Notices claimed per pass (and delivered concurrently).") var batchSize = 128
    @Option(help: "Seconds between reminders of a notice that waits for acknowledgement.")
    var repeatSeconds: Double = 4 * 3600
    @Option(help: "The public base URL put in notices (status link).") var publicURL: String?
    @Option(help: "Email/SMS provider base URL (or $VIGIL_PROVIDER_URL).") var providerURL: String?
    @Option(help: "Email/SMS provider API key (or $VIGIL_PROVIDER_KEY).") var providerKey: String?
    @Option(help: "Sender address or number for email/SMS (or $VIGIL_PROVIDER_SENDER).") var providerSender: String?
    @Flag(help: ArgumentHelp(
        "Let webhooks reach loopback, private (RFC 1918, fc00::/7) and CGNAT hosts, and plain http to them (tests, benchmarks, receivers on your own network). Off: public https hosts only.",
        discussion: "Link-local (cloud metadata), multicast, unspecified, documentation and reserved addresses stay refused."))
    var allowPrivateWebhooks = false
    @Option(help: ArgumentHelp("Send webhooks through this HTTP egress proxy (http://host:port).", valueName: "url"))
    var webhookProxy: String?

    func validate() throws {
        if let retrySchedule, RetrySchedule(parsing: retrySchedule) == nil {
            throw ValidationError("--retry-schedule takes seconds separated by commas, e.g. 5,300,1800")
        }
        if let webhookProxy, WebhookProxy(url: webhookProxy) == nil {
            throw ValidationError("--webhook-proxy takes an http URL with a host and port, e.g. http://proxy.internal:3128")
        }
    }

    /// The one rule for webhook addresses, shared by registration (serve) and delivery (worker).
    var webhookPolicy: WebhookAddressPolicy { WebhookAddressPolicy(allowPrivate: allowPrivateWebhooks) }

    func webhookChannel(policy: WebhookAddressPolicy? = nil) -> WebhookChannel {
        WebhookChannel(policy: policy ?? webhookPolicy, proxy: webhookProxy.flatMap(WebhookProxy.init(url:)))
    }

    func worker(
        store: some NoticeStore, defaultURL: String, logger: Logger, webhooks: WebhookAddressPolicy? = nil
    ) -> OutboxWorker {
        let environment = ProcessInfo.processInfo.environment
        var channels: [NotificationChannel: any DeliveryChannel] = [.webhook: webhookChannel(policy: webhooks), .file: FileChannel()]
        if let url = providerURL ?? environment["VIGIL_PROVIDER_URL"] {
            let provider = ProviderChannel(configuration: .init(
                baseURL: url, apiKey: providerKey ?? environment["VIGIL_PROVIDER_KEY"] ?? "",
                sender: providerSender ?? environment["VIGIL_PROVIDER_SENDER"] ?? "Vigil"))
            channels[.email] = provider
            channels[.sms] = provider
        }
        return OutboxWorker(
            store: store, channels: channels,
            configuration: .init(
                batchSize: batchSize, lease: leaseSeconds, retry: retrySchedule.flatMap(RetrySchedule.init(parsing:)) ?? .standardWebhooks,
                repeatInterval: repeatSeconds, publicURL: publicURL ?? defaultURL),
            logger: logger)
    }
}

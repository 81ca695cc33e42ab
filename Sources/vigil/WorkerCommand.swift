import ArgumentParser
import Logging
import ServiceLifecycle
import VigilNotify

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Deliver the outbox without serving HTTP (`vigil serve` runs one too, unless --no-worker)."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var notify: NotifyOptions

    func run() async throws {
        let (opened, _) = try await store.open()
        let logger = Logger(label: "vigil.worker")
        let worker = notify.worker(store: opened, defaultURL: "http://127.0.0.1:8080", logger: logger)
        let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Runs the retention purge on a schedule while the server runs (daily by default, and at start).
public struct PurgeService: Service {
    let store: any RetentionStore
    let policy: RetentionPolicy
    let interval: Duration
    let clock: LookupService.Clock
    let logger: Logger

    public init(store: any RetentionStore, policy: RetentionPolicy, interval: Duration = .seconds(86_400),
                clock: @escaping LookupService.Clock, logger: Logger) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let summary = try await store.purge(policy: policy, now: clock())
                    logger.info("retention purge", metadata: ["records": "\(summary.records)", "people": "\(summary.people)"])
                } catch {
                    logger.error("retention purge failed", metadata: ["error.type": "\(type(of: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

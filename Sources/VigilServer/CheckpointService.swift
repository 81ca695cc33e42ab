import Logging
import ServiceLifecycle
import VigilCore
import VigilCrypto
import VigilStore

/// Signs the audit log's head on a schedule while the server runs, and once more on shutdown,
/// so that every answered lookup is covered by a signed checkpoint within `interval`.
/// Signing an unchanged head is a no-op in the store.
struct CheckpointService: Service {
    let store: any AuditLogStore
    let keyring: Keyring
    let interval: Duration
    let clock: LookupService.Clock
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sign()
                try? await Task.sleep(for: interval)
            }
        }
        await sign()
    }

    private func sign() async {
        do {
            _ = try await store.writeCheckpoint(keyring: keyring, at: clock())
        } catch {
            logger.error("audit checkpoint failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}

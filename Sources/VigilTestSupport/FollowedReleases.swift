import Foundation
import VigilCore
import VigilCrypto
import VigilStore

/// Books `people` synthetic adults, gives each one webhook registration to `receiver`, then releases
/// them all in one import: `people` notices wait in the outbox.
public func seedFollowedReleases(
    _ store: some Store & NotificationStore, people: Int, receiver: WebhookReceiver, now: Timestamp
) async throws {
    let provenance = BatchProvenance(source: "TXA", fileName: "feed.csv", fileSHA256: "a", receivedAt: now)
    _ = try await store.applyCustodyBatch(provenance, rows: InMemoryRows((0..<people).map { syntheticAdult($0) })) { _ in }
    for i in 0..<people {
        let hash = OneTimeSecret.hash("CODE\(i)")
        _ = try await store.issueCase(
            source: "TXA", sourceRecordID: "BK-\(i)", codeHash: hash,
            expiresAt: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 3600), at: now)
        let secret = WebhookSecret.generate().encoded
        receiver.add(secret: secret)
        _ = try await store.register(
            codeHash: hash, channel: .webhook, address: receiver.url, language: .en,
            tokenHash: OneTimeSecret.hash("token\(i)"), webhookSecret: secret, at: now)
    }
    _ = try await store.applyCustodyBatch(
        provenance, rows: InMemoryRows((0..<people).map { syntheticAdult($0, released: true) })) { _ in }
}

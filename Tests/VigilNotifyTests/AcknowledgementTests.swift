import Foundation
import Logging
import Testing
import VigilCore
import VigilCrypto
import VigilStore
import VigilTestSupport
@testable import VigilNotify

@Suite struct AcknowledgementTests {
    @Test func aReleaseNoticeRepeatsUntilItsPINIsGiven() async throws {
        let fixture = try await NotificationFixture(people: 0)
        defer { fixture.receiver.stop() }
        let folder = fixture.directory.appendingPathComponent("notices")
        _ = try await fixture.store.applyCustodyBatch(fixture.provenance("feed"), rows: InMemoryRows([syntheticAdult(0)])) { _ in }
        _ = try await fixture.store.issueCase(source: "TXA", sourceRecordID: "BK-0", codeHash: "c",
                                              expiresAt: Timestamp(secondsSinceEpoch: fixture.now.secondsSinceEpoch + 3600), at: fixture.now)
        _ = try await fixture.store.register(codeHash: "c", channel: .file, address: folder.path, language: .es,
                                             tokenHash: "t", webhookSecret: nil, at: fixture.now)
        try await fixture.releaseEveryone(1)

        let worker = OutboxWorker(store: fixture.store, channels: [.file: FileChannel()],
                                  configuration: .init(repeatInterval: 3600, maxRepeats: 3), logger: Logger(label: "test"))
        let start = Date().timeIntervalSince1970
        #expect(try await worker.deliverDue(now: start) == 1)
        #expect(try await worker.deliverDue(now: start + 10) == 0)  // the reminder waits an hour
        #expect(try await worker.deliverDue(now: start + 3700) == 1)  // and then comes

        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.count == 2)  // and no partial file left behind
        for file in files {
            let mode = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "a notice can carry a PIN: \(file) must be readable by its owner only")
        }
        let text = try String(contentsOf: folder.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(text.contains("puesta en libertad"))
        let pin = try #require(text.range(of: "PIN ").map { String(text[$0.upperBound...].prefix(6)) })
        let messageID = try #require(files[0].split(separator: "-").first.map(String.init))

        #expect(try await fixture.store.acknowledge(messageID: messageID, pin: "000000" == pin ? "111111" : "000000", at: fixture.now) == false)
        #expect(try await fixture.store.acknowledge(messageID: messageID, pin: pin, at: fixture.now) == true)
        #expect(try await worker.deliverDue(now: start + 10 * 3600) == 0)
        #expect(try await fixture.store.outboxCounts() == ["acknowledged": 1])
    }

    @Test func emailGoesThroughTheProviderAPIWithAnIdempotencyKey() async throws {
        let fixture = try await NotificationFixture(people: 0)
        defer { fixture.receiver.stop() }
        _ = try await fixture.store.applyCustodyBatch(fixture.provenance("feed"), rows: InMemoryRows([syntheticAdult(0)])) { _ in }
        _ = try await fixture.store.issueCase(source: "TXA", sourceRecordID: "BK-0", codeHash: "c",
                                              expiresAt: Timestamp(secondsSinceEpoch: fixture.now.secondsSinceEpoch + 3600), at: fixture.now)
        _ = try await fixture.store.register(codeHash: "c", channel: .email, address: "victim@example.org", language: .en,
                                             tokenHash: "t", webhookSecret: nil, at: fixture.now)
        try await fixture.releaseEveryone(1)
        let provider = ProviderChannel(configuration: .init(baseURL: "http://127.0.0.1:\(fixture.receiver.port)", apiKey: "k", sender: "vigil@example.org"))
        let worker = OutboxWorker(store: fixture.store, channels: [.email: provider], configuration: .init(), logger: Logger(label: "test"))
        #expect(try await worker.deliverDue() == 1)
        let sent = try #require(fixture.receiver.providerMessages.first)
        #expect(sent["to"] == "victim@example.org")
        #expect(sent["channel"] == "email")
        #expect(sent["text"]?.contains("released") == true)
        #expect(sent["idempotency_key"]?.hasPrefix("msg_") == true)
    }
}

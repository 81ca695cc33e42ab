import Foundation
import Testing
import VigilCore
import VigilCrypto
import VigilPostgres
import VigilStore
import VigilTestSupport

/// Several stateless `vigil serve` instances on one PostgreSQL database: their outbox workers share
/// the notices between them (`FOR UPDATE SKIP LOCKED`) and none is delivered twice or lost.
@Suite struct MultiInstanceTests {
    static let postgresURL = ProcessInfo.processInfo.environment["VIGIL_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    @Test(
        .enabled(if: postgresURL != nil, "skipped: set VIGIL_TEST_POSTGRES_URL to run two servers on one PostgreSQL database"),
        .timeLimit(.minutes(4)))
    func twoServersDeliverAThousandNoticesOnceEach() async throws {
        let work = try WorkDirectory()
        let keyringPath = work.path("vigil.keyring")
        let keyring = Keyring.generate()
        try keyring.write(to: keyringPath)
        let base = try #require(Self.postgresURL)
        let schema = "cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let url = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"

        let receiver = WebhookReceiver()
        receiver.delay = .milliseconds(5)
        try await receiver.start()
        defer { receiver.stop() }

        // 1,000 people booked, each followed by one webhook registration, then all released in one import.
        let people = 1000
        let store = try await PostgresStore.connect(url: url, keyring: keyring)
        let now = Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        try await seedFollowedReleases(store, people: people, receiver: receiver, now: now)
        #expect(try await store.outboxCounts() == ["pending": people])
        await store.shutdown()

        func serve(_ port: Int, log: String) throws -> Process {
            try VigilProcess.spawn(
                ["serve", "--database", url, "--keyring", keyringPath, "--port", String(port), "--batch-size", "10",
                 "--lease-seconds", "30", "--allow-private-webhooks"], in: work.url, log: log)
        }
        let port = Int.random(in: 20_000...59_000)
        let servers = [try serve(port, log: "serve-a.log"), try serve(port + 1, log: "serve-b.log")]
        defer { for server in servers { server.terminate(); server.waitUntilExit() } }
        try await waitUntil(seconds: 120) { receiver.distinctIDs.count >= people }
        try await Task.sleep(for: .seconds(2))  // time for any second delivery of the same notice to show up

        let received = receiver.received
        #expect(receiver.distinctIDs.count == people, "a notice is missing")
        #expect(received.count == people, "\(received.count - people) notices were delivered twice")
        #expect(received.allSatisfy { $0.validSignature })
        // Both workers took part: each delivery names the process that sent it.
        let senders = Dictionary(grouping: received, by: \.sender).mapValues(\.count)
        #expect(senders.count == 2, "deliveries by sender: \(senders)")

        for server in servers { server.terminate(); server.waitUntilExit() }
        let verified = try work.vigil("audit", "verify", "--database", url, "--keyring", keyringPath)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("audit log intact"))
    }

    private func waitUntil(seconds: Double, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw CocoaError(.userCancelled, userInfo: [NSLocalizedDescriptionKey: "timed out"]) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

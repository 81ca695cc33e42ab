import Foundation
import Testing
import VigilCore
import VigilCrypto
import VigilStore
import VigilTestSupport

/// At-least-once delivery across a crash: `vigil serve` is killed with SIGKILL in the middle of
/// delivering 1,000 release notices and started again; every notice still arrives, signed.
@Suite struct DeliveryCrashTests {
    @Test(.timeLimit(.minutes(3)))
    func killingTheServerMidDeliveryLosesNoNotice() async throws {
        let work = try WorkDirectory()
        let keyringPath = work.path("vigil.keyring")
        let keyring = Keyring.generate()
        try keyring.write(to: keyringPath)
        let receiver = WebhookReceiver()
        receiver.delay = .milliseconds(15)
        try await receiver.start()
        defer { receiver.stop() }

        // 1,000 people booked, each followed by one webhook registration, then all released in one import.
        let people = 1000
        let store = try SQLiteStore(path: work.path("vigil.sqlite"), keyring: keyring)
        let now = Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        try await seedFollowedReleases(store, people: people, receiver: receiver, now: now)
        #expect(try await store.outboxCounts() == ["pending": people])

        let port = String(Int.random(in: 20_000...60_000))
        let arguments = ["serve", "--database", "vigil.sqlite", "--keyring", keyringPath, "--port", port,
                         "--batch-size", "10", "--lease-seconds", "2", "--retry-schedule", "0,1,1,1,1", "--allow-private-webhooks"]
        let first = try VigilProcess.spawn(arguments, in: work.url, log: "serve-1.log")
        try await waitUntil(seconds: 60) { receiver.received.count >= 200 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let beforeRestart = receiver.distinctIDs.count
        #expect(beforeRestart < people, "the kill came too late to interrupt delivery")

        let second = try VigilProcess.spawn(arguments, in: work.url, log: "serve-2.log")
        defer { second.terminate(); second.waitUntilExit() }
        try await waitUntil(seconds: 90) { receiver.distinctIDs.count >= people }

        #expect(receiver.distinctIDs.count == people)
        #expect(receiver.received.filter { !$0.validSignature }.isEmpty)
    }

    private func waitUntil(seconds: Double, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw CocoaError(.userCancelled, userInfo: [NSLocalizedDescriptionKey: "timed out"]) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

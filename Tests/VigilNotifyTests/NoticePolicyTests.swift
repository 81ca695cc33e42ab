import Foundation
import Logging
import Testing
import VigilCore
import VigilCrypto
import VigilStore
import VigilTestSupport
@testable import VigilNotify

/// Notices follow the disclosure policy at the moment they are sent, not the moment they were written.
@Suite struct NoticePolicyTests {
    @Test func aPersonWhoGainedAProtectionIsNotNotifiedAndOversightIsAlerted() async throws {
        let fixture = try await NotificationFixture(people: 2)
        defer { fixture.receiver.stop() }
        var protected = syntheticAdult(0, released: true)
        protected.protections = [.uVisa]
        _ = try await fixture.store.applyCustodyBatch(
            fixture.provenance("release"), rows: InMemoryRows([protected, syntheticAdult(1, released: true)])) { _ in }
        #expect(try await fixture.store.outboxCounts() == ["pending": 2])

        try await fixture.drain(fixture.worker())

        #expect(fixture.receiver.received.count == 1)
        #expect(try await fixture.store.outboxCounts() == ["delivered": 1, "withheld": 1])
        let alert = try #require(try await fixture.store.alerts(limit: 10).first)
        #expect(alert.kind == "notice_withheld")
        #expect(alert.details["rule"] == "protected")
        #expect(alert.details["sources"] == "TXA")
        let audited = try await fixture.store.auditEntries(after: -1, limit: 100).map(\.entry)
        #expect(audited.contains { $0.kind == .alert && $0.fields["action"] == "notice_withheld" && $0.fields["rule"] == "protected" })
    }

    @Test func aPersonWhoseRecordIsHeldIsNotNotified() async throws {
        let fixture = try await NotificationFixture(people: 1)
        defer { fixture.receiver.stop() }
        try await fixture.releaseEveryone(1)
        // Another source reports the person in custody since before the release: the two records contradict
        // each other and both are held for a reviewer.
        var elsewhere = syntheticAdult(0)
        elsewhere.sourceRecordID = "AZ-0"
        elsewhere.custody.facilityCode = "FAC002"
        elsewhere.custody.bookingDate = CalendarDate(iso: "2026-10-15")!
        elsewhere.custody.statusDate = Timestamp(iso: "2026-10-15T12:00:00Z")!
        _ = try await fixture.store.applyCustodyBatch(
            BatchProvenance(source: "AZB", fileName: "azb", fileSHA256: "azb", receivedAt: fixture.now),
            rows: InMemoryRows([elsewhere])) { _ in }
        #expect(try await fixture.store.records(personID: fixture.store.records(aNumber: elsewhere.aNumber!)[0].personID)
            .allSatisfy(\.held))

        try await fixture.drain(fixture.worker())

        #expect(fixture.receiver.received.isEmpty)
        let counts = try await fixture.store.outboxCounts()
        #expect(counts.keys.sorted() == ["withheld"])
        #expect(try await fixture.store.alerts(limit: 10).allSatisfy { $0.kind == "notice_withheld" && $0.details["rule"] == "disputed" })
    }
}

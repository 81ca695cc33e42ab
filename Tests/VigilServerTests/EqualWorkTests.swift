import Foundation
import Logging
import Testing
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilStore
@testable import VigilServer

/// A lookup decrypts the same number of records whatever it finds: an absent number, a person with one
/// record and a person with several cost the same decryption work.
@Suite struct EqualWorkTests {
    @Test func everyLookupDecryptsTheSameNumberOfRecords() async throws {
        let fixture = try await ServerFixture()
        // A third and fourth record of the adult, from two other sources: a person with three records.
        var adult = try #require(fixture.people[.adult])
        for source in ["AZB", "NMC"] {
            adult.sourceRecordID = "\(source)-1"
            _ = try await fixture.store.applyCustodyBatch(
                BatchProvenance(source: source, fileName: "\(source).csv", fileSHA256: source, receivedAt: fixture.now),
                rows: ServerFixture.Rows([adult])) { problem in Issue.record("row rejected: \(problem)") }
        }
        let counting = CountingStore(fixture.store)
        let service = LookupService(store: counting, keyring: fixture.keyring, clock: { fixture.now }, logger: Logger(label: "t"))

        var work: [String: Int] = [:]
        for (name, aNumber) in [("absent", "A999999999"), ("malformed", "A12"), ("one record", fixture.aNumber(.uVisa)),
                                ("three records", fixture.aNumber(.adult))] {
            counting.reset()
            _ = try await service.lookup(aNumber: aNumber, countryOfBirth: "HN", requester: .anonymous, client: "192.0.2.1")
            work[name] = counting.decrypted
        }
        let person = try await fixture.store.records(aNumber: try ANumber(parsing: fixture.aNumber(.adult)))
        #expect(person.count == 3)
        counting.reset()
        _ = try await service.lookup(personID: person[0].personID, registrationID: 1, requester: Requester(tier: .victim))
        work["a victim's own case"] = counting.decrypted

        #expect(Set(work.values) == [EqualWork.recordsPerPerson], "\(work)")
    }
}

/// The SQLite store, counting the records whose sealed values a lookup had opened: those read, and decoys.
final class CountingStore: LookupStore, @unchecked Sendable {
    let inner: SQLiteStore
    private let lock = NSLock()
    private var count = 0

    init(_ inner: SQLiteStore) { self.inner = inner }

    var decrypted: Int { lock.withLock { count } }
    func reset() { lock.withLock { count = 0 } }
    private func add(_ records: Int) { lock.withLock { count += records } }

    func records(aNumber: ANumber) async throws -> [StoredCustodyRecord] {
        let read = try await inner.records(aNumber: aNumber)
        add(read.count)
        return read
    }

    func records(personID: Int64) async throws -> [StoredCustodyRecord] {
        let read = try await inner.records(personID: personID)
        add(read.count)
        return read
    }

    func decoyDecrypt(records: Int) throws {
        add(max(0, records))
        try inner.decoyDecrypt(records: records)
    }

    // Everything else, as the store does it.
    func applyCustodyBatch(
        _ provenance: BatchProvenance, rows: some DecodedRowSource, onReject: (RowProblem) -> Void
    ) async throws -> BatchSummary {
        try await inner.applyCustodyBatch(provenance, rows: rows, onReject: onReject)
    }
    func importFacilities(_ provenance: BatchProvenance, facilities: [Facility], rejected: Int) async throws -> BatchSummary {
        try await inner.importFacilities(provenance, facilities: facilities, rejected: rejected)
    }
    func facility(code: String) async throws -> Facility? { try await inner.facility(code: code) }
    func batches() async throws -> [BatchSummary] { try await inner.batches() }
    func events(forRecord recordID: Int64) async throws -> [CustodyEvent] { try await inner.events(forRecord: recordID) }
    func counts() async throws -> StoreCounts { try await inner.counts() }
    func appendAudit(_ entries: [AuditEntry], alerts: [NewAlert]) async throws -> Int {
        try await inner.appendAudit(entries, alerts: alerts)
    }
    func writeCheckpoint(keyring: Keyring, at time: Timestamp) async throws -> Checkpoint {
        try await inner.writeCheckpoint(keyring: keyring, at: time)
    }
    func verifyAudit(publicKey: Data) async throws -> AuditVerification { try await inner.verifyAudit(publicKey: publicKey) }
    func auditEntries(after seq: Int, limit: Int) async throws -> [(seq: Int, entry: AuditEntry)] {
        try await inner.auditEntries(after: seq, limit: limit)
    }
    func latestCheckpoint() async throws -> String? { try await inner.latestCheckpoint() }
    func createAccount(tier: AccessTier, name: String, source: String?, tokenHash: String, at time: Timestamp) async throws -> Account {
        try await inner.createAccount(tier: tier, name: name, source: source, tokenHash: tokenHash, at: time)
    }
    func account(tokenHash: String) async throws -> Account? { try await inner.account(tokenHash: tokenHash) }
    func raiseAlert(kind: String, details: [String: String], at time: Timestamp) async throws {
        try await inner.raiseAlert(kind: kind, details: details, at: time)
    }
    func alerts(limit: Int) async throws -> [Alert] { try await inner.alerts(limit: limit) }
}

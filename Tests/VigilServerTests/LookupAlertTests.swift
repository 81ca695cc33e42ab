import Foundation
import Logging
import Testing
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilStore
@testable import VigilServer

/// A lookup store whose separate alert write always fails, and which records every audit transaction:
/// an alert may only reach the database inside the lookup's own audit transaction.
final class AlertWriteFails: LookupStore, @unchecked Sendable {
    let inner: SQLiteStore
    private let lock = NSLock()
    private var transactions: [(entries: [AuditEntry], alerts: [NewAlert])] = []
    struct SeparateAlertWrite: Error {}

    init(_ inner: SQLiteStore) { self.inner = inner }

    var audited: [(entries: [AuditEntry], alerts: [NewAlert])] { lock.withLock { transactions } }

    func appendAudit(_ entries: [AuditEntry], alerts: [NewAlert]) async throws -> Int {
        let size = try await inner.appendAudit(entries, alerts: alerts)
        lock.withLock { transactions.append((entries, alerts)) }
        return size
    }
    func raiseAlert(kind: String, details: [String: String], at: Timestamp) async throws { throw SeparateAlertWrite() }

    func applyCustodyBatch(_ provenance: BatchProvenance, rows: some DecodedRowSource, onReject: (RowProblem) -> Void) async throws -> BatchSummary {
        try await inner.applyCustodyBatch(provenance, rows: rows, onReject: onReject)
    }
    func importFacilities(_ provenance: BatchProvenance, facilities: [Facility], rejected: Int) async throws -> BatchSummary {
        try await inner.importFacilities(provenance, facilities: facilities, rejected: rejected)
    }
    func facility(code: String) async throws -> Facility? { try await inner.facility(code: code) }
    func records(aNumber: ANumber) async throws -> [StoredCustodyRecord] { try await inner.records(aNumber: aNumber) }
    func records(personID: Int64) async throws -> [StoredCustodyRecord] { try await inner.records(personID: personID) }
    func decoyDecrypt(records: Int) throws { try inner.decoyDecrypt(records: records) }
    func batches() async throws -> [BatchSummary] { try await inner.batches() }
    func events(forRecord recordID: Int64) async throws -> [CustodyEvent] { try await inner.events(forRecord: recordID) }
    func counts() async throws -> StoreCounts { try await inner.counts() }
    func writeCheckpoint(keyring: Keyring, at: Timestamp) async throws -> Checkpoint { try await inner.writeCheckpoint(keyring: keyring, at: at) }
    func verifyAudit(publicKey: Data) async throws -> AuditVerification { try await inner.verifyAudit(publicKey: publicKey) }
    func auditEntries(after seq: Int, limit: Int) async throws -> [(seq: Int, entry: AuditEntry)] { try await inner.auditEntries(after: seq, limit: limit) }
    func latestCheckpoint() async throws -> String? { try await inner.latestCheckpoint() }
    func createAccount(tier: AccessTier, name: String, source: String?, tokenHash: String, at: Timestamp) async throws -> Account {
        try await inner.createAccount(tier: tier, name: name, source: source, tokenHash: tokenHash, at: at)
    }
    func account(tokenHash: String) async throws -> Account? { try await inner.account(tokenHash: tokenHash) }
    func alerts(limit: Int) async throws -> [Alert] { try await inner.alerts(limit: limit) }
}

/// Issue 13, item 5: a lookup that reaches a protected person writes its alert with its own audit entry.
@Suite struct LookupAlertTests {
    @Test func aProtectedLookupsAlertTravelsWithItsAuditEntryAndNeverFailsTheLookup() async throws {
        let fixture = try await ServerFixture()
        let store = AlertWriteFails(fixture.store)
        let lookups = LookupService(store: store, keyring: fixture.keyring, clock: { fixture.now }, logger: Logger(label: "test"))

        // Before: the alert was a second awaited write after the audit entry, and its failure failed the lookup (500).
        let answer = try await lookups.lookup(
            aNumber: fixture.aNumber(.uVisa), countryOfBirth: "HN", requester: .anonymous, client: "192.0.2.7")
        #expect(answer.isMiss)

        let transactions = store.audited
        #expect(transactions.count == 1)
        #expect(transactions.first?.entries.map(\.kind) == [.lookup])
        #expect(transactions.first?.alerts.map(\.kind) == ["protected_record_queried"])
        #expect(try await fixture.store.alerts(limit: 10).map(\.kind) == ["protected_record_queried"])
    }
}

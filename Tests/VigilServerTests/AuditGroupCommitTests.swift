import Foundation
import Testing
import VigilCore
import VigilCrypto
import VigilStore
@testable import VigilServer

/// A log that records each transaction it is asked for, and takes a moment over each, as a disk would.
actor SlowAuditLog: AuditLogStore {
    private(set) var transactions: [[AuditEntry]] = []
    private(set) var alertsByTransaction: [[NewAlert]] = []
    var failNext = false
    struct DiskFull: Error {}

    func setFailNext() { failNext = true }

    func appendAudit(_ entries: [AuditEntry], alerts: [NewAlert]) async throws -> Int {
        try await Task.sleep(for: .milliseconds(5))
        if failNext { failNext = false; throw DiskFull() }
        transactions.append(entries)
        alertsByTransaction.append(alerts)
        return transactions.joined().count
    }

    struct NotUsedHere: Error {}
    func writeCheckpoint(keyring: Keyring, at: Timestamp) async throws -> Checkpoint { throw NotUsedHere() }
    func verifyAudit(publicKey: Data) async throws -> AuditVerification { throw NotUsedHere() }
    func auditEntries(after seq: Int, limit: Int) async throws -> [(seq: Int, entry: AuditEntry)] { throw NotUsedHere() }
    func latestCheckpoint() async throws -> String? { throw NotUsedHere() }
}

@Suite struct AuditGroupCommitTests {
    func entry(_ i: Int) -> AuditEntry {
        AuditEntry(kind: .lookup, recordedAt: Timestamp(secondsSinceEpoch: 1_800_000_000), fields: ["case_id": "c\(i)", "tier": "public"])
    }

    @Test func concurrentRequestsShareTransactionsAndEachReturnsOnlyOnceWritten() async throws {
        let log = SlowAuditLog()
        let group = AuditGroupCommit(store: log)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for i in 0..<200 {
                tasks.addTask {
                    try await group.append(entry(i))
                    // Returned: the entry must already be in a committed transaction.
                    let written = await log.transactions.joined().contains(entry(i))
                    #expect(written, "entry \(i) was reported written before it was")
                }
            }
            try await tasks.waitForAll()
        }
        let transactions = await log.transactions
        #expect(Set(transactions.joined().map { $0.fields["case_id"] ?? "" }).count == 200)
        #expect(transactions.joined().count == 200)
        #expect(transactions.count < 50, "\(transactions.count) transactions for 200 concurrent entries")
    }

    @Test func aFailedTransactionFailsEveryEntryInItAndTheNextOnesStillGoThrough() async throws {
        let log = SlowAuditLog()
        let group = AuditGroupCommit(store: log)
        await log.setFailNext()
        await #expect(throws: SlowAuditLog.DiskFull.self) { try await group.append(entry(1)) }
        try await group.append(entry(2))
        #expect(await log.transactions == [[entry(2)]])
    }

    @Test func aMalformedEntryFailsAloneWithoutTouchingTheLog() async throws {
        let log = SlowAuditLog()
        let group = AuditGroupCommit(store: log)
        let bad = AuditEntry(kind: .lookup, recordedAt: Timestamp(secondsSinceEpoch: 0), fields: ["Not Snake": "x"])
        await #expect(throws: AuditLogError.invalidFieldName) { try await group.append(bad) }
        #expect(await log.transactions.isEmpty)
    }

    @Test func anAlertIsWrittenInTheTransactionOfItsOwnEntry() async throws {
        let log = SlowAuditLog()
        let group = AuditGroupCommit(store: log)
        let alert = NewAlert(kind: "protected_record_queried", details: ["case_id": "c7"], raisedAt: Timestamp(secondsSinceEpoch: 1_800_000_000))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for i in 0..<20 {
                tasks.addTask { try await group.append(entry(i), alert: i == 7 ? alert : nil) }
            }
            try await tasks.waitForAll()
        }
        let transactions = await log.transactions
        let alerts = await log.alertsByTransaction
        let carrying = try #require(transactions.firstIndex { $0.contains(entry(7)) })
        #expect(alerts[carrying] == [alert])
        #expect(alerts.joined().count == 1)
    }
}

import Foundation
import GRDB
import Testing
import VigilCore
import VigilCrypto
@testable import VigilStore

@Suite struct AuditLogTests {
    /// An invented lookup decision: opaque ids, a tier, a rule. Never a name or an A-number.
    func lookup(_ i: Int) -> AuditEntry {
        AuditEntry(
            kind: .lookup, recordedAt: Timestamp(secondsSinceEpoch: 1_772_400_000 + Int64(i)),
            fields: ["case_id": "case-\(i)", "tier": "victim", "rule": i % 3 == 0 ? "minor_hidden" : "disclosed"]
        )
    }

    /// A store with 15 entries, checkpointed at 10 and at 15.
    func checkpointedLog() async throws -> TemporaryStore {
        let db = try TemporaryStore()
        #expect(try await db.store.appendAudit((0..<10).map(lookup)) == 10)
        _ = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T01:00:00Z"))
        #expect(try await db.store.appendAudit((10..<15).map(lookup)) == 15)
        _ = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T02:00:00Z"))
        return db
    }

    /// Raw SQL through a second connection, as someone with the file would.
    func tamper(_ db: TemporaryStore, _ sql: String, _ arguments: StatementArguments = []) throws {
        let attacker = try DatabaseQueue(path: db.path)
        try attacker.write { d in try d.execute(sql: sql, arguments: arguments) }
    }

    func verify(_ db: TemporaryStore) async throws -> AuditVerification {
        try await db.store.verifyAudit(publicKey: db.keyring.signingPublicKey)
    }

    // MARK: Appending and reading

    @Test func entriesAreNumberedFromZeroAndReadBackInPages() async throws {
        let db = try TemporaryStore()
        #expect(try await db.store.appendAudit([]) == 0)
        #expect(try await db.store.appendAudit((0..<3).map(lookup)) == 3)
        #expect(try await db.store.appendAudit((3..<5).map(lookup)) == 5)
        let all = try await db.store.auditEntries(after: -1, limit: 100)
        #expect(all.map(\.seq) == [0, 1, 2, 3, 4])
        #expect(all.map(\.entry) == (0..<5).map(lookup))
        let page = try await db.store.auditEntries(after: 2, limit: 1)
        #expect(page.map(\.seq) == [3])
        #expect(page.first?.entry == lookup(3))
        #expect(try await db.store.auditEntries(after: 4, limit: 10).isEmpty)
    }

    @Test func theStoredLeafIsTheDocumentedEncodingOfTheStoredColumns() async throws {
        let db = try TemporaryStore()
        let entry = AuditEntry(
            kind: .importBatch, recordedAt: ts("2026-03-02T00:00:00Z"), fields: ["rows": "3000", "batch_id": "7", "source": "TXA/2"])
        _ = try await db.store.appendAudit([entry])
        let row = try #require(try DatabaseQueue(path: db.path).read { d in
            try Row.fetchOne(d, sql: "SELECT * FROM audit_entry")
        })
        let payload = #"{"batch_id":"7","rows":"3000","source":"TXA/2"}"#
        #expect(row["seq"] as Int == 0)
        #expect(row["kind"] as String == "import_batch")
        #expect(row["recorded_at"] as String == "2026-03-02T00:00:00Z")
        #expect(row["payload"] as String == payload)
        let leaf = MerkleHash.leaf(Data("import_batch\n2026-03-02T00:00:00Z\n\(payload)".utf8))
        #expect(row["leaf_hash"] as Data == leaf)
    }

    @Test func aBadEntryAppendsNothingAndItsErrorDoesNotRepeatTheValue() async throws {
        let db = try TemporaryStore()
        let badName = AuditEntry(kind: .account, recordedAt: ts("2026-03-02T00:00:00Z"), fields: ["Family Name": "x"])
        await #expect(throws: AuditLogError.invalidFieldName) { try await db.store.appendAudit([lookup(0), badName]) }
        let freeText = String(repeating: "Quenadril Sovel ", count: 20)
        let long = AuditEntry(kind: .account, recordedAt: ts("2026-03-02T00:00:00Z"), fields: ["note": freeText])
        await #expect(throws: AuditLogError.fieldTooLong(name: "note")) { try await db.store.appendAudit([long]) }
        #expect(!AuditLogError.fieldTooLong(name: "note").description.contains("Quenadril"))
        #expect(!AuditLogError.invalidFieldName.description.contains("Family"))
        #expect(try await db.store.appendAudit([]) == 0)
    }

    @Test func entriesAppendedInsideAnotherTransactionRollBackWithIt() async throws {
        struct ImportFailed: Error {}
        let db = try TemporaryStore()
        await #expect(throws: ImportFailed.self) {
            try await db.store.pool.write { d in
                try SQLiteStore.appendAudit(d, [lookup(0), lookup(1)])
                throw ImportFailed()
            }
        }
        #expect(try await db.store.appendAudit([]) == 0)
        _ = try await db.store.pool.write { d in try SQLiteStore.appendAudit(d, [lookup(0)]) }
        #expect(try await db.store.appendAudit([]) == 1)
    }

    // MARK: Checkpoints

    @Test func aCheckpointSignsTheRFC6962RootOfTheEntries() async throws {
        let db = try await checkpointedLog()
        let note = try #require(try await db.store.latestCheckpoint())
        let checkpoint = try Checkpoint.open(note: note, publicKey: db.keyring.signingPublicKey)
        let leaves = (0..<15).map { i in
            let e = lookup(i)
            let payload = try! e.payload()
            return MerkleHash.leaf(Data("lookup\n\(e.recordedAt)\n\(payload)".utf8))
        }
        #expect(checkpoint == Checkpoint(origin: "vigil/audit", size: 15, rootHash: MerkleHash.root(leafHashes: leaves)))
    }

    @Test func signingAnUnchangedLogAgainStoresNothingNew() async throws {
        let db = try await checkpointedLog()
        let before = try await db.store.latestCheckpoint()
        let again = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T03:00:00Z"))
        #expect(again.size == 15)
        #expect(try await db.store.latestCheckpoint() == before)
        #expect(try await verify(db).checkpoints == 2)
    }

    @Test func anEmptyLogCanBeCheckpointedAndVerified() async throws {
        let db = try TemporaryStore()
        #expect(try await verify(db) == AuditVerification(entries: 0, checkpoints: 0, latestCheckpointSize: nil, problem: nil))
        let checkpoint = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T00:00:00Z"))
        #expect(checkpoint == Checkpoint(size: 0, rootHash: MerkleHash.emptyRoot))
        #expect(try await verify(db) == AuditVerification(entries: 0, checkpoints: 1, latestCheckpointSize: 0, problem: nil))
    }

    // MARK: Verification

    @Test func anUntouchedLogVerifies() async throws {
        let db = try await checkpointedLog()
        #expect(try await verify(db) == AuditVerification(entries: 15, checkpoints: 2, latestCheckpointSize: 15, problem: nil))
    }

    @Test func anEditedPayloadIsNamedByItsSequenceNumber() async throws {
        let db = try await checkpointedLog()
        try tamper(db, #"UPDATE audit_entry SET payload = '{"case_id":"case-7","rule":"disclosed","tier":"agency"}' WHERE seq = 7"#)
        let result = try await verify(db)
        #expect(result.problem == .entryAltered(seq: 7))
        #expect(result.entries == 7)
        #expect(result.problem?.description.hasPrefix("entry 7 was altered") == true)
    }

    @Test func anEditedTimeOrKindIsCaughtToo() async throws {
        let backdated = try await checkpointedLog()
        try tamper(backdated, "UPDATE audit_entry SET recorded_at = '2020-01-01T00:00:00Z' WHERE seq = 3")
        #expect(try await verify(backdated).problem == .entryAltered(seq: 3))
        let relabelled = try await checkpointedLog()
        try tamper(relabelled, "UPDATE audit_entry SET kind = 'alert' WHERE seq = 12")
        #expect(try await verify(relabelled).problem == .entryAltered(seq: 12))
    }

    @Test func anEditedPayloadWithARecomputedLeafHashFailsTheCheckpoint() async throws {
        let db = try await checkpointedLog()
        let forged = #"{"case_id":"case-7","rule":"disclosed","tier":"agency"}"#
        let recordedAt = lookup(7).recordedAt.description
        let leaf = MerkleHash.leaf(Data("lookup\n\(recordedAt)\n\(forged)".utf8))
        try tamper(db, "UPDATE audit_entry SET payload = ?, leaf_hash = ? WHERE seq = 7", [forged, leaf])
        let result = try await verify(db)
        #expect(result.problem == .checkpointMismatch(size: 10))
        #expect(result.entries == 10)  // every entry hashes correctly; the first checkpoint does not agree
        await #expect(throws: AuditLogError.logDamaged(.checkpointMismatch(size: 15))) {
            try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-03T00:00:00Z"))
        }
    }

    @Test func aDeletedEntryLeavesAGap() async throws {
        let db = try await checkpointedLog()
        try tamper(db, "DELETE FROM audit_entry WHERE seq = 7")
        #expect(try await verify(db).problem == .entryMissing(seq: 7))
        try tamper(db, "DELETE FROM audit_entry WHERE seq = 0")
        #expect(try await verify(db).problem == .entryMissing(seq: 0))
    }

    @Test func entriesCutFromTheEndAreATruncation() async throws {
        let db = try await checkpointedLog()
        try tamper(db, "DELETE FROM audit_entry WHERE seq >= 12")
        #expect(try await verify(db).problem == .truncated(expected: 15, found: 12))
        // Appending after the cut reuses the numbers, which the checkpoint root then refuses.
        _ = try await db.store.appendAudit((12..<15).map { lookup($0 + 100) })
        #expect(try await verify(db).problem == .checkpointMismatch(size: 15))
    }

    @Test func anEditedOrForeignCheckpointFailsItsSignature() async throws {
        let db = try await checkpointedLog()
        #expect(try await db.store.verifyAudit(publicKey: Keyring.generate().signingPublicKey).problem
            == .checkpointSignatureInvalid(size: 10))

        let other = Keyring.generate()
        let note = try #require(try await db.store.latestCheckpoint())
        let opened = try Checkpoint.open(note: note, publicKey: db.keyring.signingPublicKey)
        // A forger without the key signs the same head with their own: it does not verify under ours.
        try tamper(db, "UPDATE audit_checkpoint SET note = ? WHERE size = 15", [opened.signedNote(keyring: other)])
        #expect(try await verify(db).problem == .checkpointSignatureInvalid(size: 15))
        try tamper(db, "UPDATE audit_checkpoint SET note = replace(note, '\n10\n', '\n11\n') WHERE size = 10")
        #expect(try await verify(db).problem == .checkpointSignatureInvalid(size: 10))
    }

    @Test func aDamagedLogIsNotSigned() async throws {
        let db = try await checkpointedLog()
        _ = try await db.store.appendAudit([lookup(15), lookup(16)])
        try tamper(db, "UPDATE audit_entry SET payload = '{}' WHERE seq = 16")
        await #expect(throws: AuditLogError.logDamaged(.entryAltered(seq: 16))) {
            try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-03T00:00:00Z"))
        }
        #expect(try await verify(db).latestCheckpointSize == 15)
    }

    @Test func aLongLogVerifiesInOnePass() async throws {
        let db = try TemporaryStore()
        for chunk in 0..<4 {
            _ = try await db.store.appendAudit((chunk * 2500..<(chunk + 1) * 2500).map(lookup))
            _ = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T00:00:00Z"))
        }
        #expect(try await verify(db) == AuditVerification(entries: 10_000, checkpoints: 4, latestCheckpointSize: 10_000, problem: nil))
    }
}

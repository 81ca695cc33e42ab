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
    func checkpointedLog(_ kind: StoreKind) async throws -> StoreHarness {
        let db = try await StoreHarness.make(kind)
        #expect(try await db.store.appendAudit((0..<10).map(lookup)) == 10)
        _ = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T01:00:00Z"))
        #expect(try await db.store.appendAudit((10..<15).map(lookup)) == 15)
        _ = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T02:00:00Z"))
        return db
    }

    func verify(_ db: StoreHarness) async throws -> AuditVerification {
        try await db.store.verifyAudit(publicKey: db.keyring.signingPublicKey)
    }

    // MARK: Appending and reading

    @Test(arguments: StoreKind.available) func entriesAreNumberedFromZeroAndReadBackInPages(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
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

    /// The on-disk encoding, read from the SQLite file itself (the PostgreSQL store stores the same columns).
    @Test func theStoredLeafIsTheDocumentedEncodingOfTheStoredColumns() async throws {
        let db = try TemporaryStore()
        let entry = AuditEntry(
            kind: .importBatch, recordedAt: ts("2026-03-02T00:00:00Z"), fields: ["rows": "3000", "batch_id": "7", "source": "TXA/2"])
        _ = try await db.store.appendAudit([entry])
        let row = try #require(try DatabaseQueue(path: db.path + "-audit").read { d in
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

    @Test(arguments: StoreKind.available) func aBadEntryAppendsNothingAndItsErrorDoesNotRepeatTheValue(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
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

    @Test(arguments: StoreKind.available) func aCheckpointSignsTheRFC6962RootOfTheEntries(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        let note = try #require(try await db.store.latestCheckpoint())
        let checkpoint = try Checkpoint.open(note: note, publicKey: db.keyring.signingPublicKey, origin: db.keyring.auditOrigin)
        let leaves = (0..<15).map { i in
            let e = lookup(i)
            let payload = try! e.payload()
            return MerkleHash.leaf(Data("lookup\n\(e.recordedAt)\n\(payload)".utf8))
        }
        #expect(checkpoint == Checkpoint(origin: db.keyring.auditOrigin, size: 15, rootHash: MerkleHash.root(leafHashes: leaves)))
    }

    @Test(arguments: StoreKind.available) func signingAnUnchangedLogAgainStoresNothingNew(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        let before = try await db.store.latestCheckpoint()
        let again = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T03:00:00Z"))
        #expect(again.size == 15)
        #expect(try await db.store.latestCheckpoint() == before)
        #expect(try await verify(db).checkpoints == 2)
    }

    @Test(arguments: StoreKind.available) func anEmptyLogCanBeCheckpointedAndVerified(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        #expect(try await verify(db) == AuditVerification(entries: 0, checkpoints: 0, latestCheckpointSize: nil, problem: nil))
        let checkpoint = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T00:00:00Z"))
        #expect(checkpoint == Checkpoint(origin: db.keyring.auditOrigin, size: 0, rootHash: MerkleHash.emptyRoot))
        #expect(try await verify(db) == AuditVerification(entries: 0, checkpoints: 1, latestCheckpointSize: 0, problem: nil))
    }

    // MARK: Verification

    @Test(arguments: StoreKind.available) func anUntouchedLogVerifies(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        #expect(try await verify(db) == AuditVerification(entries: 15, checkpoints: 2, latestCheckpointSize: 15, problem: nil))
    }

    @Test(arguments: StoreKind.available) func anEditedPayloadIsNamedByItsSequenceNumber(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        try await db.tamper(#"UPDATE audit_entry SET payload = '{"case_id":"case-7","rule":"disclosed","tier":"agency"}' WHERE seq = 7"#)
        let result = try await verify(db)
        #expect(result.problem == .entryAltered(seq: 7))
        #expect(result.entries == 7)
        #expect(result.problem?.description.hasPrefix("entry 7 was altered") == true)
    }

    @Test(arguments: StoreKind.available) func anEditedTimeOrKindIsCaughtToo(_ kind: StoreKind) async throws {
        let backdated = try await checkpointedLog(kind)
        try await backdated.tamper("UPDATE audit_entry SET recorded_at = '2020-01-01T00:00:00Z' WHERE seq = 3")
        #expect(try await verify(backdated).problem == .entryAltered(seq: 3))
        let relabelled = try await checkpointedLog(kind)
        try await relabelled.tamper("UPDATE audit_entry SET kind = 'alert' WHERE seq = 12")
        #expect(try await verify(relabelled).problem == .entryAltered(seq: 12))
    }

    @Test(arguments: StoreKind.available) func anEditedPayloadWithARecomputedLeafHashFailsTheCheckpoint(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        let forged = #"{"case_id":"case-7","rule":"disclosed","tier":"agency"}"#
        let recordedAt = lookup(7).recordedAt.description
        let leaf = MerkleHash.leaf(Data("lookup\n\(recordedAt)\n\(forged)".utf8))
        try await db.tamper("UPDATE audit_entry SET payload = ?, leaf_hash = ? WHERE seq = 7", [.text(forged), .blob(leaf)])
        let result = try await verify(db)
        #expect(result.problem == .checkpointMismatch(size: 10))
        #expect(result.entries == 10)  // every entry hashes correctly; the first checkpoint does not agree
        await #expect(throws: AuditLogError.logDamaged(.checkpointMismatch(size: 15))) {
            try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-03T00:00:00Z"))
        }
    }

    @Test(arguments: StoreKind.available) func aDeletedEntryLeavesAGap(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        try await db.tamper("DELETE FROM audit_entry WHERE seq = 7")
        #expect(try await verify(db).problem == .entryMissing(seq: 7))
        try await db.tamper("DELETE FROM audit_entry WHERE seq = 0")
        #expect(try await verify(db).problem == .entryMissing(seq: 0))
    }

    @Test(arguments: StoreKind.available) func entriesCutFromTheEndAreATruncation(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        try await db.tamper("DELETE FROM audit_entry WHERE seq >= 12")
        #expect(try await verify(db).problem == .truncated(expected: 15, found: 12))
        // Appending after the cut reuses the numbers, which the checkpoint root then refuses.
        _ = try await db.store.appendAudit((12..<15).map { lookup($0 + 100) })
        #expect(try await verify(db).problem == .checkpointMismatch(size: 15))
    }

    @Test(arguments: StoreKind.available) func anEditedOrForeignCheckpointFailsItsSignature(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        #expect(try await db.store.verifyAudit(publicKey: Keyring.generate().signingPublicKey).problem
            == .checkpointSignatureInvalid(size: 10))

        let other = Keyring.generate()
        let note = try #require(try await db.store.latestCheckpoint())
        let opened = try Checkpoint.open(note: note, publicKey: db.keyring.signingPublicKey, origin: db.keyring.auditOrigin)
        // A forger without the key signs the same head with their own: it does not verify under ours.
        try await db.tamper("UPDATE audit_checkpoint SET note = ? WHERE size = 15", [.text(opened.signedNote(keyring: other))])
        #expect(try await verify(db).problem == .checkpointSignatureInvalid(size: 15))
        try await db.tamper("UPDATE audit_checkpoint SET note = replace(note, '\n10\n', '\n11\n') WHERE size = 10")
        #expect(try await verify(db).problem == .checkpointSignatureInvalid(size: 10))
    }

    @Test(arguments: StoreKind.available) func aDamagedLogIsNotSigned(_ kind: StoreKind) async throws {
        let db = try await checkpointedLog(kind)
        _ = try await db.store.appendAudit([lookup(15), lookup(16)])
        try await db.tamper("UPDATE audit_entry SET payload = '{}' WHERE seq = 16")
        await #expect(throws: AuditLogError.logDamaged(.entryAltered(seq: 16))) {
            try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-03T00:00:00Z"))
        }
        #expect(try await verify(db).latestCheckpointSize == 15)
    }

    @Test(arguments: StoreKind.available) func aLongLogVerifiesInOnePass(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        for chunk in 0..<4 {
            _ = try await db.store.appendAudit((chunk * 2500..<(chunk + 1) * 2500).map(lookup))
            _ = try await db.store.writeCheckpoint(keyring: db.keyring, at: ts("2026-03-02T00:00:00Z"))
        }
        #expect(try await verify(db) == AuditVerification(entries: 10_000, checkpoints: 4, latestCheckpointSize: 10_000, problem: nil))
    }
}

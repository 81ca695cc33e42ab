import Foundation
import GRDB
import VigilCore
import VigilCrypto

extension SQLiteSchema {
    /// The facts the disclosure policy weighs are kept per record, so that a row from one source cannot
    /// change the date of birth another source gave, and each record's are sealed with a keyed MAC
    /// (``VigilCrypto/PolicySeal``), so that whoever writes to the file without the key cannot unprotect anyone.
    static func registerPolicyFactsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9: person facts per record, sealed policy inputs") { db in
            try db.execute(sql: """
                ALTER TABLE custody_record ADD COLUMN date_of_birth_sealed BLOB;
                UPDATE custody_record SET date_of_birth_sealed =
                    (SELECT p.date_of_birth_sealed FROM person p WHERE p.id = custody_record.person_id)
                WHERE purged_at IS NULL;
                ALTER TABLE custody_record ADD COLUMN policy_seal BLOB;
                -- One row once the records that predate the seal have been sealed (the key is not known here).
                CREATE TABLE policy_seal_state (sealed_at INTEGER NOT NULL);
                """)
        }
    }
}

extension SQLiteStore {
    /// The columns a record's policy seal covers.
    static let policyInputColumns = "source, source_record_id, protections, held, purged_at, date_of_birth_sealed"

    static func policyInputs(_ row: Row) -> PolicySeal.Facts {
        PolicySeal.Facts(
            source: row["source"], sourceRecordID: row["source_record_id"], protections: row["protections"],
            held: row["held"], purgedAt: row["purged_at"], dateOfBirthSealed: row["date_of_birth_sealed"])
    }

    /// Whether a record row's policy inputs match the seal stored with them.
    func policyInputsIntact(_ row: Row) -> Bool {
        seals.verify(Self.policyInputs(row), seal: row["policy_seal"])
    }

    /// Runs `change`, which writes policy inputs of the records `ids`, then seals again each record whose
    /// seal held before the change. A record whose seal did not hold keeps the broken one: a write by Vigil
    /// never blesses a change made without the key.
    static func changingPolicyInputs(_ db: Database, ids: [Int64], seals: PolicySeal, _ change: () throws -> Void) throws {
        guard !ids.isEmpty else { return try change() }
        let list = ids.map(String.init).joined(separator: ",")  // integers from the database, not input
        let intact = try Row.fetchAll(db, sql: "SELECT id, \(policyInputColumns), policy_seal FROM custody_record WHERE id IN (\(list))")
            .filter { seals.verify(policyInputs($0), seal: $0["policy_seal"]) }
            .map { $0["id"] as Int64 }
        try change()
        try seal(db, where: "id IN (\(intact.map(String.init).joined(separator: ",")))", seals: seals)
    }

    /// Writes the seal of every record `condition` selects, from what is stored now.
    private static func seal(_ db: Database, where condition: String, seals: PolicySeal) throws {
        let update = try db.cachedStatement(sql: "UPDATE custody_record SET policy_seal = ? WHERE id = ?")
        for row in try Row.fetchAll(db, sql: "SELECT id, \(policyInputColumns) FROM custody_record WHERE \(condition)") {
            try update.execute(arguments: [seals.seal(policyInputs(row)), row["id"] as Int64])
        }
    }

    static func recordsNeedSealing(_ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM policy_seal_state") == 0
    }

    /// The first open after the upgrade seals the records written before seals existed (trust on first
    /// use), once: afterwards a record without a seal is a record someone wrote without the key.
    static func sealRecordsOnce(_ db: Database, seals: PolicySeal, at time: Int64) throws {
        guard try recordsNeedSealing(db) else { return }
        try seal(db, where: "policy_seal IS NULL", seals: seals)
        try db.execute(sql: "INSERT INTO policy_seal_state (sealed_at) VALUES (?)", arguments: [time])
    }
}

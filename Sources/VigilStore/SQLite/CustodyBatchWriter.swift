import Foundation
import GRDB
import VigilCore
import VigilCrypto

/// Applies custody rows inside one open SQLite transaction, with statements prepared once per batch.
///
/// For each row: a keyed fingerprint of its content tells unchanged rows apart without decrypting
/// anything; a changed row goes through ``CustodyTransition`` against the stored state, and only a
/// legal change is written, with its events and a revision entry for provenance.
struct CustodyBatchWriter {
    let db: Database
    let statements: CustodyBatchStatements
    let batchID: Int64
    let source: String
    let store: SQLiteStore
    /// Wall-clock time the batch was applied: notices become due at once.
    let enqueuedAt = Date().timeIntervalSince1970

    /// - Parameter prepared: the row's fingerprint and sealed values, computed ahead (``ReadAheadRows``).
    func apply(_ record: CustodyRecord, prepared: PreparedRow, receivedAt: Timestamp) throws -> RowOutcome {
        let fingerprint = prepared.fingerprint
        let current = try Row.fetchOne(
            statements.currentRecord,
            arguments: [source, record.sourceRecordID]
        )
        let events: [CustodyEvent]
        if let current {
            if (current["fingerprint"] as Data) == fingerprint { return .unchanged }
            // A purged record comes back only with a new booking; an old row replayed must not revive the person.
            if (current["purged_at"] as Int64?) != nil,
               !(record.custody.status == .inCustody && record.custody.bookingDate > SQLiteStore.custodyState(current).bookingDate) {
                return .unchanged
            }
            if try Bool.fetchOne(
                statements.revisionExists, arguments: [fingerprint]
            ) == true {
                return .unchanged  // this exact row was applied by an earlier batch and has since been superseded
            }
            do {
                events = try CustodyTransition.derive(from: SQLiteStore.custodyState(current), to: record.custody)
            } catch {
                return .refused(error)
            }
        } else {
            events = try! CustodyTransition.derive(from: nil, to: record.custody)  // a first sighting cannot fail
        }

        let recordID: Int64
        let personID: Int64
        if let current {
            recordID = current["id"]
            personID = try resolvePerson(record, prepared.person, existing: current["person_id"])
            // The seal is renewed only over inputs that were intact: a change made without the key stays detectable.
            let stored = SQLiteStore.policyInputs(current)
            let seal = store.seals.verify(stored, seal: current["policy_seal"])
                ? store.seals.seal(policyInputs(record, prepared, held: stored.held)) : current["policy_seal"] as Data?
            try statements.updateRecord.execute(
                arguments: recordArguments(record, prepared, personID: personID, receivedAt: receivedAt) + [seal, recordID])
        } else {
            personID = try resolvePerson(record, prepared.person, existing: nil)
            try statements.insertRecord.execute(
                arguments: recordArguments(record, prepared, personID: personID, receivedAt: receivedAt)
                    + [store.seals.seal(policyInputs(record, prepared, held: false)), source, record.sourceRecordID]
            )
            recordID = db.lastInsertedRowID
        }
        try statements.insertRevision
            .execute(arguments: [fingerprint, recordID, batchID])

        let insertEvent = statements.insertEvent
        let followers = events.isEmpty ? [] : try Row.fetchAll(
            statements.followers,
            arguments: [personID])
        for event in events {
            try insertEvent.execute(arguments: [
                recordID, personID, batchID, event.kind.rawValue, event.occurredAt.secondsSinceEpoch,
                event.releaseReason?.rawValue, event.fromFacility, event.toFacility,
            ])
            let eventID = db.lastInsertedRowID
            // One notice per registration that follows the person, in the batch's transaction: an event
            // is never committed without its notices, nor a notice without its event.
            for follower in followers {
                try SQLiteStore.enqueueNotice(
                    db, cipher: store.cipher, kind: event.kind, eventID: eventID, occurredAt: event.occurredAt,
                    registrationID: follower["id"], channel: follower["channel"], enqueuedAt: enqueuedAt)
            }
        }
        try checkAgainstOtherRecords(of: personID, recordID: recordID, record.custody, receivedAt: receivedAt)
        if current == nil, record.aNumber == nil { try proposeIdentityLinks(for: record, personID: personID, recordID: recordID, at: receivedAt) }
        return .applied(events)
    }

    /// Holds this record and any other record of the same person that contradicts it, and queues the
    /// pair for a reviewer: neither is disclosed to the public until someone has looked.
    private func checkAgainstOtherRecords(of personID: Int64, recordID: Int64, _ state: CustodyState, receivedAt: Timestamp) throws {
        let others = try Row.fetchAll(
            statements.otherRecords, arguments: [personID, recordID])
        for other in others where CustodyConflict.between(state, SQLiteStore.custodyState(other)) {
            let otherID: Int64 = other["id"]
            try SQLiteStore.changingPolicyInputs(db, ids: [recordID, otherID], seals: store.seals) {
                try db.execute(sql: "UPDATE custody_record SET held = 1 WHERE id IN (?, ?)", arguments: [recordID, otherID])
            }
            try SQLiteStore.openReview(db, kind: .conflict, record: recordID, other: otherID, at: receivedAt)
        }
    }

    /// A record without an A-number is never linked to anyone automatically. People with the same
    /// date and country of birth (found by keyed token) are scored on their names, and a close match is
    /// proposed to a reviewer.
    private func proposeIdentityLinks(for record: CustodyRecord, personID: Int64, recordID: Int64, at time: Timestamp) throws {
        guard let token = birthCountryToken(record) else { return }
        let candidates = try Row.fetchAll(
            statements.identityCandidates, arguments: [token, personID])
        for candidate in candidates {
            guard let other = candidate["record_id"] as Int64?,
                  let score = store.keys.identityScore(
                    record, candidateFamily: candidate["family_name_sealed"], candidateGiven: candidate["given_name_sealed"])
            else { continue }
            try SQLiteStore.openReview(db, kind: .identity, record: recordID, other: other, score: score, at: time)
        }
    }

    private func birthCountryToken(_ record: CustodyRecord) -> Data? { store.keys.birthCountryToken(record) }

    /// The record's own columns. Its date of birth is sealed on the record as its source gave it, so that
    /// another source's row (which rewrites the shared `person` row) cannot change it.
    private func recordArguments(
        _ record: CustodyRecord, _ prepared: PreparedRow, personID: Int64, receivedAt: Timestamp
    ) -> StatementArguments {
        let custody = record.custody
        return [
            personID, prepared.fingerprint, custody.bookingDate.dayNumber, custody.status.rawValue,
            custody.statusDate.secondsSinceEpoch, custody.facilityCode, custody.releaseReason?.rawValue,
            record.criminalHistory.rawValue, Protection.format(record.protections), batchID,
            receivedAt.secondsSinceEpoch, prepared.person.dateOfBirthSealed,
        ]
    }

    /// The policy inputs a row writes (a live record: never purged once written).
    private func policyInputs(_ record: CustodyRecord, _ prepared: PreparedRow, held: Bool) -> PolicySeal.Facts {
        PolicySeal.Facts(
            source: source, sourceRecordID: record.sourceRecordID, protections: Protection.format(record.protections),
            held: held, purgedAt: nil, dateOfBirthSealed: prepared.person.dateOfBirthSealed)
    }

    /// Finds or creates the person a row is about. With an A-number, the person is whoever holds it
    /// (across sources); without one, the person stays the one this record already pointed to.
    /// Linking records without an A-number is proposed for review, never automatic.
    private func resolvePerson(_ record: CustodyRecord, _ person: SealedPerson, existing: Int64?) throws -> Int64 {
        let aNumberToken = person.aNumberIndex
        let nameToken = person.nameIndex
        var personID = existing
        if let aNumberToken, let holder = try Row.fetchOne(
            statements.aNumberHolder,
            arguments: [aNumberToken]
        ) {
            personID = holder["id"]
            // Same A-number and same normalised name and birth date: the sealed values are current.
            if (holder["name_index"] as Data) == nameToken { return holder["id"] }
        }
        let sealed: StatementArguments = [
            person.aNumberIndex, person.aNumberSealed, person.nameIndex, person.familyNameSealed, person.givenNameSealed,
            person.dateOfBirthSealed, person.countryOfBirth, batchID, person.birthCountryIndex,
        ]
        if let personID {
            try statements.updatePerson.execute(arguments: sealed + [personID])
            return personID
        }
        try statements.insertPerson.execute(arguments: sealed)
        return db.lastInsertedRowID
    }

}

/// The batch's statements, prepared once for its length rather than looked up by their SQL text for
/// every row (hashing a few hundred bytes of SQL, eight times a row, showed in the import's profile).
final class CustodyBatchStatements {
    let currentRecord: Statement
    let revisionExists: Statement
    let updateRecord: Statement
    let insertRecord: Statement
    let insertRevision: Statement
    let insertEvent: Statement
    let followers: Statement
    let otherRecords: Statement
    let identityCandidates: Statement
    let aNumberHolder: Statement
    let updatePerson: Statement
    let insertPerson: Statement

    init(_ db: Database) throws {
        currentRecord = try db.makeStatement(sql: """
            SELECT id, person_id, fingerprint, status, status_date, booking_date, facility_code, release_reason,
                \(SQLiteStore.policyInputColumns), policy_seal
            FROM custody_record WHERE source = ? AND source_record_id = ?
            """)
        revisionExists = try db.makeStatement(sql: "SELECT 1 FROM record_revision WHERE fingerprint = ?")
        updateRecord = try db.makeStatement(sql: """
            UPDATE custody_record SET person_id = ?, fingerprint = ?, booking_date = ?, status = ?, status_date = ?,
                facility_code = ?, release_reason = ?, criminal_history = ?, protections = ?, batch_id = ?, updated_at = ?,
                date_of_birth_sealed = ?, purged_at = NULL, policy_seal = ?
            WHERE id = ?
            """)
        insertRecord = try db.makeStatement(sql: """
            INSERT INTO custody_record (person_id, fingerprint, booking_date, status, status_date, facility_code,
                release_reason, criminal_history, protections, batch_id, updated_at, date_of_birth_sealed, policy_seal, source,
                source_record_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertRevision = try db.makeStatement(sql: "INSERT OR IGNORE INTO record_revision (fingerprint, record_id, batch_id) VALUES (?, ?, ?)")
        insertEvent = try db.makeStatement(sql: """
            INSERT INTO custody_event (record_id, person_id, batch_id, kind, occurred_at, release_reason, from_facility, to_facility)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        followers = try db.makeStatement(sql: "SELECT id, channel FROM registration WHERE person_id = ? AND status = 'active'")
        otherRecords = try db.makeStatement(sql: """
            SELECT id, status, status_date, booking_date, facility_code, release_reason FROM custody_record
            WHERE person_id = ? AND id != ? AND purged_at IS NULL
            """)
        identityCandidates = try db.makeStatement(sql: """
            SELECT p.id, p.family_name_sealed, p.given_name_sealed, (SELECT min(r.id) FROM custody_record r WHERE r.person_id = p.id) AS record_id
            FROM person p WHERE p.birth_country_index = ? AND p.id != ? LIMIT 50
            """)
        aNumberHolder = try db.makeStatement(sql: "SELECT id, name_index FROM person WHERE a_number_index = ?")
        updatePerson = try db.makeStatement(sql: """
            UPDATE person SET a_number_index = ?, a_number_sealed = ?, name_index = ?, family_name_sealed = ?,
                given_name_sealed = ?, date_of_birth_sealed = ?, country_of_birth = ?, batch_id = ?, birth_country_index = ?
            WHERE id = ?
            """)
        insertPerson = try db.makeStatement(sql: """
            INSERT INTO person (a_number_index, a_number_sealed, name_index, family_name_sealed, given_name_sealed,
                date_of_birth_sealed, country_of_birth, batch_id, birth_country_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }
}

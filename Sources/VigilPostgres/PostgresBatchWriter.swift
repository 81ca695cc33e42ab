import Foundation
import Logging
import PostgresNIO
import VigilCore
import VigilCrypto
import VigilStore

/// Applies custody rows inside one open PostgreSQL transaction: the same steps, in the same order,
/// as the SQLite store's writer.
///
/// For each row: a keyed fingerprint of its content tells unchanged rows apart without decrypting
/// anything; a changed row goes through ``VigilCore/CustodyTransition`` against the stored state, and
/// only a legal change is written, with its events, its notices and a revision entry for provenance.
struct PostgresBatchWriter {
    let connection: PostgresConnection
    let batchID: Int64
    let source: String
    let store: PostgresStore
    /// Wall-clock time the batch was applied: notices become due at once.
    let enqueuedAt = Date().timeIntervalSince1970

    private var logger: Logger { store.logger }
    private var keys: CustodyRowKeys { store.keys }

    /// - Parameter fingerprint: the row's keyed fingerprint, computed once by the caller.
    func apply(_ record: CustodyRecord, fingerprint: Data, receivedAt: Timestamp) async throws -> RowOutcome {
        let current = try await connection.rows("""
            SELECT id, person_id, fingerprint, status, status_date, booking_date, facility_code, release_reason,
                \(unescaped: PostgresStore.policyInputColumns), policy_seal
            FROM custody_record WHERE source = \(source) AND source_record_id = \(record.sourceRecordID)
            """, logger: logger).first
        let events: [CustodyEvent]
        if let current {
            if try current.value("fingerprint", as: Data.self) == fingerprint { return .unchanged }
            let stored = try PostgresStore.custodyState(current)
            // A purged record comes back only with a new booking; an old row replayed must not revive the person.
            if try current.value("purged_at", as: Int64?.self) != nil,
               !(record.custody.status == .inCustody && record.custody.bookingDate > stored.bookingDate) {
                return .unchanged
            }
            if try await !connection.rows(
                "SELECT 1 FROM record_revision WHERE fingerprint = \(fingerprint)", logger: logger).isEmpty {
                return .unchanged  // this exact row was applied by an earlier batch and has since been superseded
            }
            do {
                events = try CustodyTransition.derive(from: stored, to: record.custody)
            } catch {
                return .refused(error)
            }
        } else {
            events = try CustodyTransition.derive(from: nil, to: record.custody)  // a first sighting cannot fail
        }

        let recordID: Int64
        let person: (id: Int64, isNew: Bool)
        let custody = record.custody
        // The record's own date of birth, as its source gave it: another source's row cannot change it.
        let sealedBirth = record.dateOfBirth.map { store.cipher.seal($0.description, field: SealedField.dateOfBirth) }
        if let current {
            recordID = try current.value("id")
            // The seal is renewed only over inputs that were intact: a change made without the key stays detectable.
            let stored = try PostgresStore.policyInputs(current)
            let storedSeal: Data? = try current.value("policy_seal")
            let seal = store.seals.verify(stored, seal: storedSeal)
                ? store.seals.seal(policyInputs(record, sealedBirth, held: stored.held)) : storedSeal
            person = try await resolvePerson(record, existing: try current.value("person_id"))
            try await connection.run("""
                UPDATE custody_record SET person_id = \(person.id), fingerprint = \(fingerprint),
                    booking_date = \(Int64(custody.bookingDate.dayNumber)), status = \(custody.status.rawValue),
                    status_date = \(custody.statusDate.secondsSinceEpoch), facility_code = \(custody.facilityCode),
                    release_reason = \(custody.releaseReason?.rawValue), criminal_history = \(record.criminalHistory.rawValue),
                    protections = \(Protection.format(record.protections)), batch_id = \(batchID),
                    updated_at = \(receivedAt.secondsSinceEpoch), date_of_birth_sealed = \(sealedBirth), purged_at = NULL,
                    policy_seal = \(seal)
                WHERE id = \(recordID)
                """, logger: logger)
        } else {
            person = try await resolvePerson(record, existing: nil)
            recordID = try await connection.rows("""
                INSERT INTO custody_record (person_id, fingerprint, booking_date, status, status_date, facility_code,
                    release_reason, criminal_history, protections, batch_id, updated_at, date_of_birth_sealed, policy_seal, source,
                    source_record_id)
                VALUES (\(person.id), \(fingerprint), \(Int64(custody.bookingDate.dayNumber)), \(custody.status.rawValue),
                    \(custody.statusDate.secondsSinceEpoch), \(custody.facilityCode), \(custody.releaseReason?.rawValue),
                    \(record.criminalHistory.rawValue), \(Protection.format(record.protections)), \(batchID),
                    \(receivedAt.secondsSinceEpoch), \(sealedBirth), \(store.seals.seal(policyInputs(record, sealedBirth, held: false))),
                    \(source), \(record.sourceRecordID))
                RETURNING id
                """, logger: logger)[0].value("id")
        }
        try await connection.run("""
            INSERT INTO record_revision (fingerprint, record_id, batch_id) VALUES (\(fingerprint), \(recordID), \(batchID))
            ON CONFLICT (fingerprint) DO NOTHING
            """, logger: logger)

        // A person created just now has no other records and nobody following them.
        let followers = events.isEmpty || person.isNew ? [] : try await connection.rows(
            "SELECT id, channel FROM registration WHERE person_id = \(person.id) AND status = 'active'", logger: logger)
        for event in events {
            let eventID: Int64 = try await connection.rows("""
                INSERT INTO custody_event (record_id, person_id, batch_id, kind, occurred_at, release_reason, from_facility, to_facility)
                VALUES (\(recordID), \(person.id), \(batchID), \(event.kind.rawValue), \(event.occurredAt.secondsSinceEpoch),
                        \(event.releaseReason?.rawValue), \(event.fromFacility), \(event.toFacility))
                RETURNING id
                """, logger: logger)[0].value("id")
            // One notice per registration that follows the person, in the batch's transaction.
            for follower in followers {
                try await store.enqueueNotice(
                    connection, kind: event.kind, eventID: eventID, occurredAt: event.occurredAt,
                    registrationID: try follower.value("id"), channel: try follower.value("channel"), enqueuedAt: enqueuedAt)
            }
        }
        if !person.isNew {
            try await checkAgainstOtherRecords(of: person.id, recordID: recordID, record.custody, receivedAt: receivedAt)
        }
        if current == nil, record.aNumber == nil {
            try await proposeIdentityLinks(for: record, personID: person.id, recordID: recordID, at: receivedAt)
        }
        return .applied(events)
    }

    /// Holds this record and any other record of the same person that contradicts it, and queues the
    /// pair for a reviewer: neither is disclosed to the public until someone has looked.
    private func checkAgainstOtherRecords(of personID: Int64, recordID: Int64, _ state: CustodyState, receivedAt: Timestamp) async throws {
        let others = try await connection.rows("""
            SELECT id, status, status_date, booking_date, facility_code, release_reason FROM custody_record
            WHERE person_id = \(personID) AND id != \(recordID) AND purged_at IS NULL
            """, logger: logger)
        for other in others where CustodyConflict.between(state, try PostgresStore.custodyState(other)) {
            let otherID: Int64 = try other.value("id")
            try await store.changingPolicyInputs(connection, ids: [recordID, otherID]) {
                try await connection.run(
                    "UPDATE custody_record SET held = TRUE WHERE id IN (\(recordID), \(otherID))", logger: logger)
            }
            try await store.openReview(connection, kind: .conflict, record: recordID, other: otherID, at: receivedAt)
        }
    }

    /// A record without an A-number is never linked to anyone automatically: people with the same date
    /// and country of birth are scored on their names, and a close match is proposed to a reviewer.
    private func proposeIdentityLinks(for record: CustodyRecord, personID: Int64, recordID: Int64, at time: Timestamp) async throws {
        guard let token = keys.birthCountryToken(record) else { return }
        let candidates = try await connection.rows("""
            SELECT p.id, p.family_name_sealed, p.given_name_sealed,
                   (SELECT min(r.id) FROM custody_record r WHERE r.person_id = p.id) AS record_id
            FROM person p WHERE p.birth_country_index = \(token) AND p.id != \(personID) LIMIT 50
            """, logger: logger)
        for candidate in candidates {
            guard let other = try candidate.value("record_id", as: Int64?.self),
                  let score = keys.identityScore(
                    record, candidateFamily: try candidate.value("family_name_sealed"),
                    candidateGiven: try candidate.value("given_name_sealed"))
            else { continue }
            try await store.openReview(connection, kind: .identity, record: recordID, other: other, score: score, at: time)
        }
    }

    /// The policy inputs a row writes (a live record: never purged once written).
    private func policyInputs(_ record: CustodyRecord, _ sealedBirth: Data?, held: Bool) -> PolicySeal.Facts {
        PolicySeal.Facts(
            source: source, sourceRecordID: record.sourceRecordID, protections: Protection.format(record.protections),
            held: held, purgedAt: nil, dateOfBirthSealed: sealedBirth)
    }

    /// Finds or creates the person a row is about. With an A-number, the person is whoever holds it
    /// (across sources); without one, the person stays the one this record already pointed to.
    private func resolvePerson(_ record: CustodyRecord, existing: Int64?) async throws -> (id: Int64, isNew: Bool) {
        let aNumberToken = record.aNumber.map(keys.aNumberToken)
        let nameToken = keys.nameToken(record)
        var personID = existing
        if let aNumberToken, let holder = try await connection.rows(
            "SELECT id, name_index FROM person WHERE a_number_index = \(aNumberToken) LIMIT 1", logger: logger
        ).first {
            personID = try holder.value("id")
            // Same A-number and same normalised name and birth date: the sealed values are current.
            if try holder.value("name_index", as: Data.self) == nameToken { return (try holder.value("id"), false) }
        }
        let person = keys.person(record)
        if let personID {
            try await connection.run("""
                UPDATE person SET a_number_index = \(person.aNumberIndex), a_number_sealed = \(person.aNumberSealed),
                    name_index = \(person.nameIndex), family_name_sealed = \(person.familyNameSealed),
                    given_name_sealed = \(person.givenNameSealed), date_of_birth_sealed = \(person.dateOfBirthSealed),
                    country_of_birth = \(person.countryOfBirth), batch_id = \(batchID),
                    birth_country_index = \(person.birthCountryIndex)
                WHERE id = \(personID)
                """, logger: logger)
            return (personID, false)
        }
        return (try await connection.rows("""
            INSERT INTO person (a_number_index, a_number_sealed, name_index, family_name_sealed, given_name_sealed,
                date_of_birth_sealed, country_of_birth, batch_id, birth_country_index)
            VALUES (\(person.aNumberIndex), \(person.aNumberSealed), \(person.nameIndex), \(person.familyNameSealed),
                \(person.givenNameSealed), \(person.dateOfBirthSealed), \(person.countryOfBirth), \(batchID),
                \(person.birthCountryIndex))
            RETURNING id
            """, logger: logger)[0].value("id"), true)
    }
}

import Foundation
import Logging
import NIOCore
import PostgresNIO
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilStore

/// Applies a feed in chunks: the rows of a chunk that are plainly new — a record never seen, of a
/// person whose A-number nobody holds, appearing once in the chunk — are written with one statement
/// per table (arrays, unnested); every other row goes through ``PostgresBatchWriter`` one at a time.
///
/// A first import is almost all plainly new rows, and row-at-a-time costs several network round trips
/// a row; this costs a handful a chunk. The rows written in bulk depend on nothing else in the chunk
/// (their record, their person and their A-number appear nowhere else in it), so writing them before
/// the others changes no outcome. Counts and rejections are still reported in file order.
struct PostgresChunkWriter {
    let connection: PostgresConnection
    let batchID: Int64
    let source: String
    let store: PostgresStore
    let single: PostgresBatchWriter
    static let chunkSize = 500

    private var logger: Logger { store.logger }

    init(connection: PostgresConnection, batchID: Int64, source: String, store: PostgresStore) {
        self.connection = connection
        self.batchID = batchID
        self.source = source
        self.store = store
        single = PostgresBatchWriter(connection: connection, batchID: batchID, source: source, store: store)
    }

    func apply(
        _ rows: [DecodedRow], receivedAt: Timestamp, tally: inout BatchTally, onReject: (RowProblem) -> Void
    ) async throws {
        // Each record's fingerprint once, by position, for every step below (empty for a refused row).
        let fingerprints = rows.map { row -> Data in
            guard case .record(_, let record) = row else { return Data() }
            return store.keys.fingerprint(record, source: source)
        }
        let bulk = try await plainlyNew(rows, fingerprints: fingerprints)
        let written = try await write(bulk, receivedAt: receivedAt)
        let unchanged = try await storedUnchanged(rows, fingerprints: fingerprints)
        for (position, row) in rows.enumerated() {
            switch row {
            case .rejected(let problem):
                onReject(tally.count(rejected: problem))
            case .record(let line, let record):
                let outcome: RowOutcome
                if let event = written[position] {
                    outcome = .applied([event])
                } else if unchanged.contains(position) {
                    outcome = .unchanged
                } else {
                    outcome = try await single.apply(record, fingerprint: fingerprints[position], receivedAt: receivedAt)
                }
                if let problem = tally.count(line: line, outcome) { onReject(problem) }
            }
        }
    }

    /// The rows identical to what is stored (a re-import): one query for the chunk instead of one a row.
    /// Only records that appear once in the chunk, so no earlier row of it can have changed them.
    private func storedUnchanged(_ rows: [DecodedRow], fingerprints: [Data]) async throws -> Set<Int> {
        var once: [String: Int] = [:]
        var appearances: [String: Int] = [:]
        for (position, row) in rows.enumerated() {
            guard case .record(_, let record) = row else { continue }
            appearances[record.sourceRecordID, default: 0] += 1
            once[record.sourceRecordID] = position
        }
        let single = once.filter { appearances[$0.key] == 1 }
        guard !single.isEmpty else { return [] }
        var unchanged = Set<Int>()
        for stored in try await connection.rows("""
            SELECT source_record_id, fingerprint FROM custody_record
            WHERE source = \(source) AND source_record_id = ANY(\(Array(single.keys)))
            """, logger: logger) {
            guard let position = single[try stored.value("source_record_id", as: String.self)],
                  try stored.value("fingerprint", as: Data.self) == fingerprints[position]
            else { continue }
            unchanged.insert(position)
        }
        return unchanged
    }

    private struct NewRow {
        var position: Int
        var record: CustodyRecord
        var prepared: PreparedRow
        var event: CustodyEvent
    }

    /// The rows of the chunk that can be written in bulk. Only those are sealed here; the others are
    /// sealed by the row-at-a-time writer if they change anything.
    private func plainlyNew(_ rows: [DecodedRow], fingerprints: [Data]) async throws -> [NewRow] {
        struct Candidate {
            var position: Int
            var record: CustodyRecord
            var token: Data
            var event: CustodyEvent
        }
        var candidates: [Candidate] = []
        var recordIDs: [String: Int] = [:]
        var tokens: [Data: Int] = [:]
        for (position, row) in rows.enumerated() {
            guard case .record(_, let record) = row else { continue }
            recordIDs[record.sourceRecordID, default: 0] += 1
            // Without an A-number a record needs identity proposals: one at a time.
            guard let aNumber = record.aNumber else { continue }
            let token = store.keys.aNumberToken(aNumber)
            tokens[token, default: 0] += 1
            // A record seen for the first time yields exactly one event, the event of its status.
            guard let events = try? CustodyTransition.derive(from: nil, to: record.custody), events.count == 1 else { continue }
            candidates.append(Candidate(position: position, record: record, token: token, event: events[0]))
        }
        candidates.removeAll { recordIDs[$0.record.sourceRecordID] != 1 || tokens[$0.token] != 1 }
        guard !candidates.isEmpty else { return [] }
        let seenRecords = Set(try await connection.rows("""
            SELECT source_record_id FROM custody_record
            WHERE source = \(source) AND source_record_id = ANY(\(candidates.map(\.record.sourceRecordID)))
            """, logger: logger).map { try $0.value("source_record_id", as: String.self) })
        let heldTokens = Set(try await connection.rows("""
            SELECT a_number_index FROM person WHERE a_number_index = ANY(\(candidates.map { Self.buffer($0.token) }))
            """, logger: logger).map { try $0.value("a_number_index", as: Data.self) })
        let seenFingerprints = Set(try await connection.rows("""
            SELECT fingerprint FROM record_revision WHERE fingerprint = ANY(\(candidates.map { Self.buffer(fingerprints[$0.position]) }))
            """, logger: logger).map { try $0.value("fingerprint", as: Data.self) })
        return candidates
            .filter {
                !seenRecords.contains($0.record.sourceRecordID) && !heldTokens.contains($0.token)
                    && !seenFingerprints.contains(fingerprints[$0.position])
            }
            .map {
                NewRow(
                    position: $0.position, record: $0.record,
                    prepared: PreparedRow(fingerprint: fingerprints[$0.position], person: store.keys.person($0.record)),
                    event: $0.event)
            }
    }

    /// Writes the plainly new rows: people, records, revisions and events, one statement each.
    /// Returns each written row's event by its position in the chunk.
    private func write(_ rows: [NewRow], receivedAt: Timestamp) async throws -> [Int: CustodyEvent] {
        guard !rows.isEmpty else { return [:] }
        // Identifiers are taken from the sequences first, so every statement knows which row is which.
        func identifiers(_ table: String) async throws -> [Int64] {
            try await connection.rows("""
                SELECT nextval(pg_get_serial_sequence(\(table), 'id')) AS id FROM generate_series(1, \(Int64(rows.count)))
                """, logger: logger).map { try $0.value("id", as: Int64.self) }
        }
        let people = try await identifiers("person")
        let records = try await identifiers("custody_record")
        let empty = Self.buffer(Data())
        let persons = rows.map(\.prepared.person)
        try await connection.run("""
            INSERT INTO person (id, a_number_index, a_number_sealed, name_index, family_name_sealed, given_name_sealed,
                date_of_birth_sealed, country_of_birth, batch_id, birth_country_index)
            SELECT u.id, u.a_index, u.a_sealed, u.name_index, u.family, u.given, NULLIF(u.birth, '\\x'::bytea), u.country,
                   \(batchID), NULLIF(u.birth_country, '\\x'::bytea)
            FROM unnest(\(people), \(persons.map { $0.aNumberIndex.map(Self.buffer) ?? empty }),
                        \(persons.map { $0.aNumberSealed.map(Self.buffer) ?? empty }), \(persons.map { Self.buffer($0.nameIndex) }),
                        \(persons.map { Self.buffer($0.familyNameSealed) }), \(persons.map { Self.buffer($0.givenNameSealed) }),
                        \(persons.map { $0.dateOfBirthSealed.map(Self.buffer) ?? empty }), \(persons.map(\.countryOfBirth)),
                        \(persons.map { $0.birthCountryIndex.map(Self.buffer) ?? empty }))
                AS u(id, a_index, a_sealed, name_index, family, given, birth, country, birth_country)
            """, logger: logger)
        let custody = rows.map(\.record.custody)
        // New records: not held, not purged, their own date of birth as sealed for the person row.
        let seals = rows.map { row in
            Self.buffer(store.seals.seal(PolicySeal.Facts(
                source: source, sourceRecordID: row.record.sourceRecordID, protections: Protection.format(row.record.protections),
                held: false, purgedAt: nil, dateOfBirthSealed: row.prepared.person.dateOfBirthSealed)))
        }
        try await connection.run("""
            INSERT INTO custody_record (id, person_id, fingerprint, booking_date, status, status_date, facility_code,
                release_reason, criminal_history, protections, batch_id, updated_at, date_of_birth_sealed, policy_seal, source,
                source_record_id)
            SELECT u.id, u.person, u.fingerprint, u.booking, u.status, u.status_date, NULLIF(u.facility, ''),
                   NULLIF(u.reason, ''), u.history, u.protections, \(batchID), \(receivedAt.secondsSinceEpoch),
                   NULLIF(u.birth, '\\x'::bytea), u.seal, \(source), u.record
            FROM unnest(\(records), \(people), \(rows.map { Self.buffer($0.prepared.fingerprint) }),
                        \(custody.map { Int64($0.bookingDate.dayNumber) }), \(custody.map(\.status.rawValue)),
                        \(custody.map(\.statusDate.secondsSinceEpoch)), \(custody.map { $0.facilityCode ?? "" }),
                        \(custody.map { $0.releaseReason?.rawValue ?? "" }), \(rows.map(\.record.criminalHistory.rawValue)),
                        \(rows.map { Protection.format($0.record.protections) }), \(rows.map(\.record.sourceRecordID)),
                        \(persons.map { $0.dateOfBirthSealed.map(Self.buffer) ?? empty }), \(seals))
                AS u(id, person, fingerprint, booking, status, status_date, facility, reason, history, protections, record, birth, seal)
            """, logger: logger)
        try await connection.run("""
            INSERT INTO record_revision (fingerprint, record_id, batch_id)
            SELECT u.fingerprint, u.record, \(batchID) FROM unnest(\(rows.map { Self.buffer($0.prepared.fingerprint) }), \(records))
                AS u(fingerprint, record)
            ON CONFLICT (fingerprint) DO NOTHING
            """, logger: logger)
        let events = rows.map(\.event)
        try await connection.run("""
            INSERT INTO custody_event (record_id, person_id, batch_id, kind, occurred_at, release_reason, from_facility, to_facility)
            SELECT u.record, u.person, \(batchID), u.kind, u.occurred, NULLIF(u.reason, ''), NULLIF(u.from_facility, ''),
                   NULLIF(u.to_facility, '')
            FROM unnest(\(records), \(people), \(events.map(\.kind.rawValue)), \(events.map(\.occurredAt.secondsSinceEpoch)),
                        \(events.map { $0.releaseReason?.rawValue ?? "" }), \(events.map { $0.fromFacility ?? "" }),
                        \(events.map { $0.toFacility ?? "" }))
                AS u(record, person, kind, occurred, reason, from_facility, to_facility)
            """, logger: logger)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.position, $0.event) })
    }

    private static func buffer(_ data: Data) -> ByteBuffer { ByteBuffer(bytes: data) }
}

import Foundation
import Logging
import PostgresNIO
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilStore

/// The scale-path ``VigilStore/Store``: one PostgreSQL database shared by several stateless
/// `vigil serve` instances.
///
/// It keeps the SQLite store's rules and differs only where several processes meet:
/// - imports take a transaction-scoped advisory lock, so batches apply one at a time across instances
///   (as SQLite's single writer does), and the audit log's appends another, so sequence numbers and
///   Merkle leaves never interleave;
/// - outbox workers claim rows with `FOR UPDATE SKIP LOCKED`, so two workers never lease the same notice.
///
/// Values are sealed and indexed exactly as the SQLite store does (``VigilStore/CustodyRowKeys``):
/// the same keyring reads both.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    let cipher: FieldCipher
    let index: BlindIndex
    let keys: CustodyRowKeys
    /// The keyed MAC over each record's policy inputs.
    let seals: PolicySeal
    let logger: Logger
    private let runner: Task<Void, Never>
    private let decoy: DecoyRecord

    /// Connects to the database `url` names and brings its schema up to date.
    ///
    /// - Parameter url: `postgres://user:password@host:port/database`, with optional `sslmode`
    ///   (`disable`, `prefer` (the default), `require`) and `schema` (a schema of its own, created if absent).
    public static func connect(url: String, keyring: Keyring) async throws -> PostgresStore {
        let target = try PostgresURL(url)
        let store = PostgresStore(configuration: target.clientConfiguration, keyring: keyring)
        do {
            if let schema = target.schema { try await store.createSchema(schema) }
            try await PostgresSchema.migrate(store.client, logger: store.logger)
            try await store.sealRecordsOnce()
        } catch {
            await store.shutdown()
            throw PostgresStoreError(error, doing: "open the database at \(target.redacted)")
        }
        return store
    }

    private init(configuration: PostgresClient.Configuration, keyring: Keyring) {
        // Queries carry sealed values and keyed tokens only, but nothing of a query belongs in a log.
        var quiet = Logger(label: "vigil.postgres")
        quiet.logLevel = .error
        logger = quiet
        client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        let client = client
        runner = Task { await client.run() }
        cipher = FieldCipher(keyring: keyring)
        index = BlindIndex(keyring: keyring)
        keys = CustodyRowKeys(cipher: cipher, index: index)
        decoy = DecoyRecord(cipher: cipher)
        seals = PolicySeal(keyring: keyring)
    }

    /// Closes every connection. The store cannot be used afterwards.
    public func shutdown() async {
        runner.cancel()
        await runner.value
    }

    private func createSchema(_ schema: String) async throws {
        // The name is checked by PostgresURL (letters, digits, underscore) and quoted: identifiers cannot be bound.
        try await client.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: "\"\(schema)\"")", logger: logger)
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back when it throws.
    func write<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            // The body's own error (a rejected batch, a spent budget) is the caller's to see, once rolled back.
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }

    /// Runs `body` on one connection, outside any explicit transaction.
    func read<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in try await body(connection) }
    }

    /// Transaction-scoped advisory locks, one per kind of work that must not run twice at once.
    enum Lock: Int64 {
        /// Custody and facility batches, corrections and purges: one writer of custody data at a time.
        case custody = 0x5649_4749_4C01
        /// Audit appends: sequence numbers and leaves in one order.
        case audit = 0x5649_4749_4C02
        /// Schema migrations when several instances start together.
        case migrations = 0x5649_4749_4C03
        /// Privacy-budget spending: two releases must not both see the same remaining budget.
        case budget = 0x5649_4749_4C04
    }

}

// MARK: - Store

extension PostgresStore: Store {
    public func applyCustodyBatch(
        _ provenance: BatchProvenance, rows: some DecodedRowSource, onReject: (RowProblem) -> Void
    ) async throws -> BatchSummary {
        try await write { connection in
            try await connection.lock(.custody, logger: logger)
            var tally = BatchTally(try await Self.openBatch(connection, kind: "custody", provenance, logger: logger))
            let writer = PostgresChunkWriter(
                connection: connection, batchID: tally.summary.batchID, source: provenance.source, store: self)
            var chunk: [DecodedRow] = []
            chunk.reserveCapacity(PostgresChunkWriter.chunkSize)
            while true {
                chunk.removeAll(keepingCapacity: true)
                while chunk.count < PostgresChunkWriter.chunkSize, let row = try rows.next() { chunk.append(row) }
                if chunk.isEmpty { break }
                try await writer.apply(chunk, receivedAt: provenance.receivedAt, tally: &tally, onReject: onReject)
            }
            for (key, count) in tally.rejects {
                try await connection.run("""
                    INSERT INTO batch_reject (batch_id, column_name, reason, count)
                    VALUES (\(tally.summary.batchID), \(key.column), \(key.reason), \(count))
                    """, logger: logger)
            }
            try await self.closeBatch(connection, tally.summary)
            return tally.summary
        }
    }

    public func importFacilities(_ provenance: BatchProvenance, facilities: [Facility], rejected: Int) async throws -> BatchSummary {
        try await write { connection in
            try await connection.lock(.custody, logger: logger)
            var summary = try await Self.openBatch(connection, kind: "facilities", provenance, logger: logger)
            summary.rows = rejected
            summary.rejected = rejected
            for facility in facilities {
                summary.rows += 1
                if let existing = try await Self.fetchFacility(connection, code: facility.code, logger: logger), existing == facility {
                    summary.unchanged += 1
                    continue
                }
                try await connection.run("""
                    INSERT INTO facility (code, name, address, city, state, postal_code, phone, visiting_info, batch_id)
                    VALUES (\(facility.code), \(facility.name), \(facility.address), \(facility.city), \(facility.state),
                            \(facility.postalCode), \(facility.phone), \(facility.visitingInfo), \(summary.batchID))
                    ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address,
                        city = excluded.city, state = excluded.state, postal_code = excluded.postal_code,
                        phone = excluded.phone, visiting_info = excluded.visiting_info, batch_id = excluded.batch_id
                    """, logger: logger)
                summary.accepted += 1
            }
            try await self.closeBatch(connection, summary)
            return summary
        }
    }

    public func facility(code: String) async throws -> Facility? {
        try await read { connection in try await Self.fetchFacility(connection, code: code, logger: logger) }
    }

    public func records(aNumber: ANumber) async throws -> [StoredCustodyRecord] {
        let token = keys.aNumberToken(aNumber)
        let rows = try await read { connection in
            try await connection.rows(
                "\(unescaped: Self.recordSelect) WHERE r.purged_at IS NULL AND p.a_number_index = \(token) \(unescaped: Self.recordOrder)",
                logger: logger)
        }
        // A 128-bit index collision is astronomically unlikely; checking costs one decryption.
        return try rows.map(decodeRecord).filter { $0.record.aNumber == aNumber }
    }

    public func records(personID: Int64) async throws -> [StoredCustodyRecord] {
        let rows = try await read { connection in
            try await connection.rows(
                "\(unescaped: Self.recordSelect) WHERE r.purged_at IS NULL AND p.id = \(personID) \(unescaped: Self.recordOrder)",
                logger: logger)
        }
        return try rows.map(decodeRecord)
    }

    public func decoyDecrypt(records: Int) throws {
        for _ in 0..<max(0, records) { try decoy.open() }
    }

    /// Records with their person's sealed data; newest status first.
    private static let recordSelect = """
        SELECT r.id, r.person_id, r.source, r.source_record_id, r.booking_date, r.status, r.status_date,
               r.facility_code, r.release_reason, r.criminal_history, r.protections, r.batch_id, r.updated_at, r.held,
               r.date_of_birth_sealed, r.purged_at, r.policy_seal,
               p.a_number_sealed, p.family_name_sealed, p.given_name_sealed, p.country_of_birth
        FROM person p JOIN custody_record r ON r.person_id = p.id
        """
    private static let recordOrder = "ORDER BY r.status_date DESC, r.id DESC"

    public func batches() async throws -> [BatchSummary] {
        try await read { connection in
            try await connection.rows("""
                SELECT id, kind, source, file_name, file_sha256, received_at, rows, accepted, rejected, unchanged, events
                FROM import_batch ORDER BY id
                """, logger: logger)
        }.map { row in
            BatchSummary(
                batchID: try row.value("id"), kind: try row.value("kind"), source: try row.value("source"),
                fileName: try row.value("file_name"), fileSHA256: try row.value("file_sha256"),
                receivedAt: try row.value("received_at"), rows: try row.value("rows"), accepted: try row.value("accepted"),
                rejected: try row.value("rejected"), unchanged: try row.value("unchanged"), events: try row.value("events"))
        }
    }

    public func events(forRecord recordID: Int64) async throws -> [CustodyEvent] {
        try await read { connection in
            try await connection.rows("""
                SELECT kind, occurred_at, release_reason, from_facility, to_facility FROM custody_event
                WHERE record_id = \(recordID) ORDER BY id
                """, logger: logger)
        }.map { row in
            CustodyEvent(
                kind: CustodyEventKind(rawValue: try row.value("kind")) ?? .corrected,
                occurredAt: Timestamp(secondsSinceEpoch: try row.value("occurred_at")),
                releaseReason: (try row.value("release_reason") as String?).flatMap(ReleaseReason.init(rawValue:)),
                fromFacility: try row.value("from_facility"), toFacility: try row.value("to_facility"))
        }
    }

    public func counts() async throws -> StoreCounts {
        let row = try await read { connection in
            try await connection.rows("""
                SELECT (SELECT count(*) FROM person) AS people, (SELECT count(*) FROM custody_record) AS records,
                       (SELECT count(*) FROM custody_event) AS events, (SELECT count(*) FROM facility) AS facilities,
                       (SELECT count(*) FROM import_batch) AS batches
                """, logger: logger)
        }[0]
        return StoreCounts(
            people: Int(try row.value("people") as Int64), records: Int(try row.value("records") as Int64),
            events: Int(try row.value("events") as Int64), facilities: Int(try row.value("facilities") as Int64),
            batches: Int(try row.value("batches") as Int64))
    }

    // MARK: Helpers

    private static func openBatch(
        _ connection: PostgresConnection, kind: String, _ provenance: BatchProvenance, logger: Logger
    ) async throws -> BatchSummary {
        let id: Int64 = try await connection.rows("""
            INSERT INTO import_batch (kind, source, file_name, file_sha256, received_at)
            VALUES (\(kind), \(provenance.source), \(provenance.fileName), \(provenance.fileSHA256), \(provenance.receivedAt.description))
            RETURNING id
            """, logger: logger)[0].value("id")
        return BatchSummary(
            batchID: id, kind: kind, source: provenance.source, fileName: provenance.fileName,
            fileSHA256: provenance.fileSHA256, receivedAt: provenance.receivedAt.description)
    }

    /// Records the batch's counts and appends it to the audit log, in the batch's own transaction.
    ///
    /// The audit append comes last: it takes the audit lock, which every lookup's audit append waits for,
    /// and holds it until the batch commits. Taken as the last statement, it is held for the commit alone,
    /// never for the rows (an import of a million rows keeps lookups waiting for milliseconds, not minutes).
    private func closeBatch(_ connection: PostgresConnection, _ summary: BatchSummary) async throws {
        try await connection.run("""
            UPDATE import_batch SET rows = \(summary.rows), accepted = \(summary.accepted), rejected = \(summary.rejected),
                unchanged = \(summary.unchanged), events = \(summary.events)
            WHERE id = \(summary.batchID)
            """, logger: logger)
        try await appendAudit(connection, [summary.auditEntry])
    }

    private static func fetchFacility(_ connection: PostgresConnection, code: String, logger: Logger) async throws -> Facility? {
        try await connection.rows("SELECT * FROM facility WHERE code = \(code)", logger: logger).first.map { row in
            Facility(
                code: try row.value("code"), name: try row.value("name"), address: try row.value("address"),
                city: try row.value("city"), state: try row.value("state"), postalCode: try row.value("postal_code"),
                phone: try row.value("phone"), visitingInfo: try row.value("visiting_info"))
        }
    }

    private func decodeRecord(_ row: PostgresRandomAccessRow) throws -> StoredCustodyRecord {
        let aNumberSealed: Data? = try row.value("a_number_sealed")
        let birthSealed: Data? = try row.value("date_of_birth_sealed")
        let aNumber = try aNumberSealed.map { try ANumber(parsing: try cipher.open($0, field: SealedField.aNumber)) }
        let birth = try birthSealed.map { CalendarDate(iso: try cipher.open($0, field: SealedField.dateOfBirth)) } ?? nil
        // An unreadable protections column hides the record everywhere a protection would.
        let protections = (try? Protection.parseList(try row.value("protections") as String).get()) ?? Set(Protection.allCases)
        return StoredCustodyRecord(
            recordID: try row.value("id"), personID: try row.value("person_id"), source: try row.value("source"),
            record: CustodyRecord(
                sourceRecordID: try row.value("source_record_id"), aNumber: aNumber,
                name: PersonName(
                    family: try cipher.open(try row.value("family_name_sealed"), field: SealedField.familyName),
                    given: try cipher.open(try row.value("given_name_sealed"), field: SealedField.givenName)),
                dateOfBirth: birth,
                countryOfBirth: try CountryCode(parsing: try row.value("country_of_birth") as String),
                criminalHistory: CriminalHistory(rawValue: try row.value("criminal_history")) ?? .unknown,
                protections: protections,
                custody: try Self.custodyState(row)),
            batchID: try row.value("batch_id"), updatedAt: Timestamp(secondsSinceEpoch: try row.value("updated_at")),
            held: try row.value("held"), policyInputsIntact: try policyInputsIntact(row))
    }

    /// The custody facts of a `custody_record` row.
    static func custodyState(_ row: PostgresRandomAccessRow) throws -> CustodyState {
        CustodyState(
            storedStatus: try row.value("status"), statusDate: try row.value("status_date"),
            bookingDay: Int(try row.value("booking_date") as Int64), facilityCode: try row.value("facility_code"),
            releaseReason: try row.value("release_reason"))
    }
}

import Foundation
import GRDB
import VigilCore
import VigilCrypto
import VigilFeeds

/// The embedded ``Store``: one SQLite file through GRDB, WAL mode, one writer, and the audit log in a
/// file of its own beside it (``SQLiteAuditDatabase``), so that lookups never wait for an import's lock.
public final class SQLiteStore: Store {
    let pool: DatabasePool
    /// The audit log and alerts: `path` + `-audit`.
    let auditPool: DatabasePool
    let cipher: FieldCipher
    let keys: CustodyRowKeys
    /// The keyed MAC over each record's policy inputs.
    let seals: PolicySeal
    /// A sealed record no one holds, opened when a lookup finds nothing so that a miss costs what a hit does.
    private let decoy: DecoyRecord

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, keyring: Keyring) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL (set by DatabasePool) with NORMAL sync is durable across application crashes;
            // a power cut may lose the last commit but never corrupts or half-applies one.
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        auditPool = try DatabasePool(path: SQLiteAuditDatabase.path(forMain: path), configuration: configuration)
        cipher = FieldCipher(keyring: keyring)
        keys = CustodyRowKeys(cipher: cipher, index: BlindIndex(keyring: keyring))
        decoy = DecoyRecord(cipher: cipher)
        seals = PolicySeal(keyring: keyring)
        try SQLiteAuditDatabase.migrate(main: pool, audit: auditPool)
        // Only the first open after the upgrade writes: later opens (a read-only `audit verify` too) only look.
        if try pool.read({ db in try Self.recordsNeedSealing(db) }) {
            try pool.write { [seals] db in try Self.sealRecordsOnce(db, seals: seals, at: Int64(Date().timeIntervalSince1970)) }
        }
        // What an earlier process queued and did not forward (it stopped first) reaches the log now.
        let mark = try auditPool.read { adb in try AuditOutbox.mark(adb) }
        let queued = try pool.read { db in try AuditOutbox.queued(db, after: mark) }
        if !queued.isEmpty { try auditPool.write { adb in try AuditOutbox.forward(adb, queued) } }
    }

    // MARK: Custody batches

    /// The batch runs on a thread of its own (``OwnThread``), so that a server importing an upload keeps
    /// both of its request threads; the row source and `onReject` are used there only, while this waits.
    public func applyCustodyBatch(
        _ provenance: BatchProvenance, rows: some DecodedRowSource, onReject: (RowProblem) -> Void
    ) async throws -> BatchSummary {
        try await withoutActuallyEscaping(onReject) { onReject in
            let handed = HandedOver((rows, onReject))
            return try await OwnThread.run {
                guard let (rows, onReject) = handed.take() else { throw CancellationError() }
                return try self.applyCustodyBatchSynchronously(provenance, rows: rows, onReject: onReject)
            }
        }
    }

    /// The batch runs in GRDB's synchronous `write`, on the calling thread: the row source is read
    /// inside the transaction and is not `Sendable`.
    public func applyCustodyBatchSynchronously(
        _ provenance: BatchProvenance, rows: some DecodedRowSource, onReject: (RowProblem) -> Void
    ) throws -> BatchSummary {
        try pool.write { db in
            // A batch touches many pages: a 64 MiB page cache for its length keeps SQLite from spilling
            // (about 25 % faster at a million rows, measured by bench/run), then the default returns.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -65536")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            var tally = BatchTally(try Self.openBatch(db, kind: "custody", provenance))
            let writer = CustodyBatchWriter(
                db: db, statements: try CustodyBatchStatements(db), batchID: tally.summary.batchID, source: provenance.source, store: self)
            let keys = keys
            let source = provenance.source
            let readAhead = ReadAheadRows(rows) { record in keys.prepare(record, source: source) }
            defer { readAhead.stop() }
            while let (row, prepared) = try readAhead.next() {
                switch row {
                case .rejected(let problem):
                    onReject(tally.count(rejected: problem))
                case .record(let line, let record):
                    let outcome = try writer.apply(record, prepared: prepared ?? keys.prepare(record, source: source), receivedAt: provenance.receivedAt)
                    if let problem = tally.count(line: line, outcome) { onReject(problem) }
                }
            }
            // Reasons name a column and a rule, never a value: safe to keep for the quality report.
            for (key, count) in tally.rejects {
                try db.execute(sql: "INSERT INTO batch_reject (batch_id, column_name, reason, count) VALUES (?, ?, ?, ?)",
                               arguments: [tally.summary.batchID, key.column, key.reason, count])
            }
            try Self.closeBatch(db, tally.summary)
            return tally.summary
        }
    }

    // MARK: Facilities

    public func importFacilities(
        _ provenance: BatchProvenance, facilities: [Facility], rejected: Int
    ) async throws -> BatchSummary {
        try await pool.write { db in
            var summary = try Self.openBatch(db, kind: "facilities", provenance)
            summary.rows = rejected
            summary.rejected = rejected
            for facility in facilities {
                summary.rows += 1
                if let existing = try Self.fetchFacility(db, code: facility.code), existing == facility {
                    summary.unchanged += 1
                    continue
                }
                try db.execute(
                    sql: """
                        INSERT INTO facility (code, name, address, city, state, postal_code, phone, visiting_info, batch_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(code) DO UPDATE SET name = excluded.name, address = excluded.address,
                            city = excluded.city, state = excluded.state, postal_code = excluded.postal_code,
                            phone = excluded.phone, visiting_info = excluded.visiting_info, batch_id = excluded.batch_id
                        """,
                    arguments: [
                        facility.code, facility.name, facility.address, facility.city, facility.state,
                        facility.postalCode, facility.phone, facility.visitingInfo, summary.batchID,
                    ]
                )
                summary.accepted += 1
            }
            try Self.closeBatch(db, summary)
            return summary
        }
    }

    public func facility(code: String) async throws -> Facility? {
        try await pool.read { db in try Self.fetchFacility(db, code: code) }
    }

    // MARK: Reading

    public func records(aNumber: ANumber) async throws -> [StoredCustodyRecord] {
        let token = keys.aNumberToken(aNumber)
        // A 128-bit index collision is astronomically unlikely; checking costs one decryption.
        return try await records(where: "p.a_number_index = ?", token).filter { $0.record.aNumber == aNumber }
    }

    /// Every custody record of one person, newest status first, decrypted (for a victim's own case).
    public func records(personID: Int64) async throws -> [StoredCustodyRecord] {
        try await records(where: "p.id = ?", personID)
    }

    /// Unpurged records with their person's sealed data, newest status first, decrypted.
    private func records(where condition: String, _ argument: some DatabaseValueConvertible & Sendable) async throws -> [StoredCustodyRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, p.a_number_sealed, p.family_name_sealed, p.given_name_sealed, p.country_of_birth
                    FROM person p JOIN custody_record r ON r.person_id = p.id
                    WHERE \(condition) AND r.purged_at IS NULL
                    ORDER BY r.status_date DESC, r.id DESC
                    """,
                arguments: [argument]
            ).map(self.decodeRecord)
        }
    }

    public func decoyDecrypt(records: Int) throws {
        for _ in 0..<max(0, records) { try decoy.open() }
    }

    public func batches() async throws -> [BatchSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM import_batch ORDER BY id").map { row in
                BatchSummary(
                    batchID: row["id"], kind: row["kind"], source: row["source"], fileName: row["file_name"],
                    fileSHA256: row["file_sha256"], receivedAt: row["received_at"], rows: row["rows"],
                    accepted: row["accepted"], rejected: row["rejected"], unchanged: row["unchanged"],
                    events: row["events"]
                )
            }
        }
    }

    public func events(forRecord recordID: Int64) async throws -> [CustodyEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM custody_event WHERE record_id = ? ORDER BY id", arguments: [recordID]
            ).map { row in
                CustodyEvent(
                    kind: CustodyEventKind(rawValue: row["kind"]) ?? .corrected,
                    occurredAt: Timestamp(secondsSinceEpoch: row["occurred_at"]),
                    releaseReason: (row["release_reason"] as String?).flatMap(ReleaseReason.init(rawValue:)),
                    fromFacility: row["from_facility"], toFacility: row["to_facility"]
                )
            }
        }
    }

    public func counts() async throws -> StoreCounts {
        try await pool.read { db in
            func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
            return StoreCounts(
                people: try count("person"), records: try count("custody_record"), events: try count("custody_event"),
                facilities: try count("facility"), batches: try count("import_batch")
            )
        }
    }

    // MARK: Helpers

    private static func openBatch(_ db: Database, kind: String, _ provenance: BatchProvenance) throws -> BatchSummary {
        try db.execute(
            sql: "INSERT INTO import_batch (kind, source, file_name, file_sha256, received_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [kind, provenance.source, provenance.fileName, provenance.fileSHA256, provenance.receivedAt.description]
        )
        return BatchSummary(
            batchID: db.lastInsertedRowID, kind: kind, source: provenance.source, fileName: provenance.fileName,
            fileSHA256: provenance.fileSHA256, receivedAt: provenance.receivedAt.description
        )
    }

    /// Records the batch's counts and queues its audit entry, in the batch's own transaction:
    /// a batch is never applied without its audit entry, nor audited without being applied.
    private static func closeBatch(_ db: Database, _ summary: BatchSummary) throws {
        try appendAudit(db, [summary.auditEntry])
        try db.execute(
            sql: "UPDATE import_batch SET rows = ?, accepted = ?, rejected = ?, unchanged = ?, events = ? WHERE id = ?",
            arguments: [summary.rows, summary.accepted, summary.rejected, summary.unchanged, summary.events, summary.batchID]
        )
    }

    private static func fetchFacility(_ db: Database, code: String) throws -> Facility? {
        try Row.fetchOne(db, sql: "SELECT * FROM facility WHERE code = ?", arguments: [code]).map { row in
            Facility(
                code: row["code"], name: row["name"], address: row["address"], city: row["city"], state: row["state"],
                postalCode: row["postal_code"], phone: row["phone"], visitingInfo: row["visiting_info"]
            )
        }
    }

    private func decodeRecord(_ row: Row) throws -> StoredCustodyRecord {
        let aNumberSealed: Data? = row["a_number_sealed"]
        let birthSealed: Data? = row["date_of_birth_sealed"]  // the record's own, as its source gave it
        let aNumber = try aNumberSealed.map { try ANumber(parsing: try cipher.open($0, field: SealedField.aNumber)) }
        let birth = try birthSealed.map { CalendarDate(iso: try cipher.open($0, field: SealedField.dateOfBirth)) } ?? nil
        let protections = (try? Protection.parseList(row["protections"] as String).get()) ?? Set(Protection.allCases)
        return StoredCustodyRecord(
            recordID: row["id"], personID: row["person_id"], source: row["source"],
            record: CustodyRecord(
                sourceRecordID: row["source_record_id"], aNumber: aNumber,
                name: PersonName(
                    family: try cipher.open(row["family_name_sealed"], field: SealedField.familyName),
                    given: try cipher.open(row["given_name_sealed"], field: SealedField.givenName)
                ),
                dateOfBirth: birth,
                countryOfBirth: try CountryCode(parsing: row["country_of_birth"] as String),
                criminalHistory: CriminalHistory(rawValue: row["criminal_history"]) ?? .unknown,
                protections: protections,
                custody: Self.custodyState(row)
            ),
            batchID: row["batch_id"], updatedAt: Timestamp(secondsSinceEpoch: row["updated_at"]), held: row["held"],
            policyInputsIntact: policyInputsIntact(row)
        )
    }
}

extension SQLiteStore {
    /// The custody facts of a `custody_record` row.
    static func custodyState(_ row: Row) -> CustodyState {
        CustodyState(
            storedStatus: row["status"], statusDate: row["status_date"], bookingDay: row["booking_date"],
            facilityCode: row["facility_code"], releaseReason: row["release_reason"])
    }
}


import Foundation
import GRDB
import VigilCore

extension SQLiteSchema {
    /// The privacy-budget ledger: every ε spent, by period and table, and the release each spend
    /// paid for. A spend row is never written without its release, nor a release without its
    /// spends (one transaction), so the ledger always accounts for everything published.
    static func registerStatisticsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4: privacy budget ledger") { db in
            try db.execute(sql: """
                -- The published release, exactly as served: noisy and suppressed values only, never true counts.
                CREATE TABLE statistics_release (
                    id INTEGER PRIMARY KEY,
                    period TEXT NOT NULL,
                    epsilon_micro INTEGER NOT NULL CHECK (epsilon_micro > 0),
                    published_at INTEGER NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE INDEX statistics_release_by_period ON statistics_release(period);
                -- ε in millionths, so that sums compare exactly.
                CREATE TABLE privacy_budget_spend (
                    id INTEGER PRIMARY KEY,
                    period TEXT NOT NULL,
                    table_id TEXT NOT NULL,
                    epsilon_micro INTEGER NOT NULL CHECK (epsilon_micro > 0),
                    release_id INTEGER NOT NULL REFERENCES statistics_release(id),
                    spent_at INTEGER NOT NULL
                );
                CREATE INDEX privacy_budget_spend_by_period ON privacy_budget_spend(period, table_id);
                """)
        }
    }
}

extension SQLiteStore: StatisticsStore {
    public func custodyStatistics(today: CalendarDate) async throws -> [CustodyStatisticsRow] {
        try await pool.read { db in
            // One row per person: their most recent in-custody record, whatever the agency.
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT r.criminal_history, r.booking_date, p.country_of_birth, p.date_of_birth_sealed, f.state
                FROM (SELECT person_id, criminal_history, booking_date, facility_code,
                             ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY status_date DESC, id DESC) AS newest
                      FROM custody_record WHERE status = 'in_custody' AND purged_at IS NULL) r
                JOIN person p ON p.id = r.person_id
                LEFT JOIN facility f ON f.code = r.facility_code
                WHERE r.newest = 1
                """)
            var rows: [CustodyStatisticsRow] = []
            while let row = try cursor.next() {
                let sealedBirth: Data? = row["date_of_birth_sealed"]
                let birth = try sealedBirth.flatMap { CalendarDate(iso: try cipher.open($0, field: SealedField.dateOfBirth)) }
                let booked: CalendarDate? = CalendarDate(dayNumber: row["booking_date"])
                rows.append(CustodyStatisticsRow(
                    criminalHistory: CriminalHistory(rawValue: row["criminal_history"]) ?? .unknown,
                    countryOfBirth: row["country_of_birth"],
                    facilityState: row["state"],
                    ageAtBooking: booked.flatMap { booked in birth.map { $0.age(on: booked) } },
                    ageToday: birth.map { $0.age(on: today) }
                ))
            }
            return rows
        }
    }

    public func departureEvents(from: Timestamp, before: Timestamp) async throws -> [DepartureEventRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT person_id, kind, release_reason, occurred_at FROM custody_event
                WHERE kind IN ('released', 'removed') AND occurred_at >= ? AND occurred_at < ?
                """, arguments: [from.secondsSinceEpoch, before.secondsSinceEpoch]
            ).map { row in
                DepartureEventRow(
                    personID: row["person_id"],
                    kind: CustodyEventKind(rawValue: row["kind"]) ?? .released,
                    releaseReason: (row["release_reason"] as String?).flatMap(ReleaseReason.init(rawValue:)),
                    occurredAt: Timestamp(secondsSinceEpoch: row["occurred_at"])
                )
            }
        }
    }

    public func spendPrivacyBudget(
        tables: [String], epsilon: Double, period: ReleasePeriod, limit: Double, release: Data, at time: Timestamp
    ) async throws {
        let asked = PrivacyBudget.micro(epsilon)
        let allowed = PrivacyBudget.micro(limit)
        guard asked > 0 else { throw PrivacyParameterError.epsilonNotPositive(epsilon) }
        try await pool.write { db in
            for table in tables {
                let spent = try Int64.fetchOne(
                    db, sql: "SELECT coalesce(sum(epsilon_micro), 0) FROM privacy_budget_spend WHERE period = ? AND table_id = ?",
                    arguments: [period.description, table]
                ) ?? 0
                if spent + asked > allowed {
                    throw PrivacyBudgetExhausted(
                        table: table, period: period, limit: limit, spent: PrivacyBudget.fromMicro(spent), requested: epsilon)
                }
            }
            try db.execute(
                sql: "INSERT INTO statistics_release (period, epsilon_micro, published_at, body) VALUES (?, ?, ?, ?)",
                arguments: [period.description, asked, time.secondsSinceEpoch, release]
            )
            let releaseID = db.lastInsertedRowID
            for table in tables {
                try db.execute(
                    sql: "INSERT INTO privacy_budget_spend (period, table_id, epsilon_micro, release_id, spent_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [period.description, table, asked, releaseID, time.secondsSinceEpoch]
                )
            }
            _ = try Self.appendAudit(db, [PrivacyBudget.releaseAudit(
                release: releaseID, period: period, epsilonMicro: asked, tables: tables.count, at: time)])
        }
    }

    public func latestStatisticsRelease(period: ReleasePeriod, epsilon: Double?) async throws -> StoredStatisticsRelease? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: """
                    SELECT * FROM statistics_release WHERE period = ? AND (? IS NULL OR epsilon_micro = ?)
                    ORDER BY id DESC LIMIT 1
                    """,
                arguments: [period.description, epsilon.map(PrivacyBudget.micro), epsilon.map(PrivacyBudget.micro)]
            ).map { row in
                StoredStatisticsRelease(
                    period: period, epsilon: PrivacyBudget.fromMicro(row["epsilon_micro"]),
                    publishedAt: Timestamp(secondsSinceEpoch: row["published_at"]), body: row["body"]
                )
            }
        }
    }

    public func privacyBudgetSpent(period: ReleasePeriod) async throws -> [String: Double] {
        try await pool.read { db in
            var spent: [String: Double] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT table_id, sum(epsilon_micro) AS micro FROM privacy_budget_spend WHERE period = ? GROUP BY table_id",
                arguments: [period.description]
            ) {
                spent[row["table_id"]] = PrivacyBudget.fromMicro(row["micro"])
            }
            return spent
        }
    }
}

import Foundation
import PostgresNIO
import VigilCore
import VigilStore

extension PostgresStore: StatisticsStore {
    public func custodyStatistics(today: CalendarDate) async throws -> [CustodyStatisticsRow] {
        // One row per person: their most recent in-custody record, whatever the agency. Streamed.
        let sequence = try await client.query("""
            SELECT r.criminal_history, r.booking_date, p.country_of_birth, p.date_of_birth_sealed, f.state
            FROM (SELECT person_id, criminal_history, booking_date, facility_code,
                         ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY status_date DESC, id DESC) AS newest
                  FROM custody_record WHERE status = 'in_custody' AND purged_at IS NULL) r
            JOIN person p ON p.id = r.person_id
            LEFT JOIN facility f ON f.code = r.facility_code
            WHERE r.newest = 1
            """, logger: logger)
        var rows: [CustodyStatisticsRow] = []
        for try await (history, bookingDay, country, sealedBirth, state) in sequence.decode((String, Int64, String, Data?, String?).self) {
            let birth = try sealedBirth.flatMap { CalendarDate(iso: try cipher.open($0, field: SealedField.dateOfBirth)) }
            let booked = CalendarDate(dayNumber: Int(bookingDay))
            rows.append(CustodyStatisticsRow(
                criminalHistory: CriminalHistory(rawValue: history) ?? .unknown, countryOfBirth: country,
                facilityState: state, ageAtBooking: birth.map { $0.age(on: booked) }, ageToday: birth.map { $0.age(on: today) }))
        }
        return rows
    }

    public func departureEvents(from: Timestamp, before: Timestamp) async throws -> [DepartureEventRow] {
        try await read { connection in
            try await connection.rows("""
                SELECT person_id, kind, release_reason, occurred_at FROM custody_event
                WHERE kind IN ('released', 'removed') AND occurred_at >= \(from.secondsSinceEpoch) AND occurred_at < \(before.secondsSinceEpoch)
                """, logger: logger)
        }.map { row in
            DepartureEventRow(
                personID: try row.value("person_id"), kind: CustodyEventKind(rawValue: try row.value("kind")) ?? .released,
                releaseReason: (try row.value("release_reason", as: String?.self)).flatMap(ReleaseReason.init(rawValue:)),
                occurredAt: Timestamp(secondsSinceEpoch: try row.value("occurred_at")))
        }
    }

    public func spendPrivacyBudget(
        tables: [String], epsilon: Double, period: ReleasePeriod, limit: Double, release: Data, at time: Timestamp
    ) async throws {
        let asked = PrivacyBudget.micro(epsilon)
        let allowed = PrivacyBudget.micro(limit)
        guard asked > 0 else { throw PrivacyParameterError.epsilonNotPositive(epsilon) }
        try await write { connection in
            // Two instances releasing at once must not both see the same remaining budget.
            try await connection.lock(.budget, logger: logger)
            for table in tables {
                let spent: Int64 = try await connection.rows("""
                    SELECT coalesce(sum(epsilon_micro), 0)::bigint AS spent FROM privacy_budget_spend
                    WHERE period = \(period.description) AND table_id = \(table)
                    """, logger: logger)[0].value("spent")
                if spent + asked > allowed {
                    throw PrivacyBudgetExhausted(
                        table: table, period: period, limit: limit, spent: PrivacyBudget.fromMicro(spent), requested: epsilon)
                }
            }
            let releaseID: Int64 = try await connection.rows("""
                INSERT INTO statistics_release (period, epsilon_micro, published_at, body)
                VALUES (\(period.description), \(asked), \(time.secondsSinceEpoch), \(release)) RETURNING id
                """, logger: logger)[0].value("id")
            for table in tables {
                try await connection.run("""
                    INSERT INTO privacy_budget_spend (period, table_id, epsilon_micro, release_id, spent_at)
                    VALUES (\(period.description), \(table), \(asked), \(releaseID), \(time.secondsSinceEpoch))
                    """, logger: logger)
            }
            try await appendAudit(connection, [PrivacyBudget.releaseAudit(
                release: releaseID, period: period, epsilonMicro: asked, tables: tables.count, at: time)])
        }
    }

    public func latestStatisticsRelease(period: ReleasePeriod, epsilon: Double?) async throws -> StoredStatisticsRelease? {
        let micro = epsilon.map(PrivacyBudget.micro)
        return try await read { connection in
            try await connection.rows("""
                SELECT epsilon_micro, published_at, body FROM statistics_release
                WHERE period = \(period.description) AND (\(micro)::bigint IS NULL OR epsilon_micro = \(micro))
                ORDER BY id DESC LIMIT 1
                """, logger: logger)
        }.first.map { row in
            StoredStatisticsRelease(
                period: period, epsilon: PrivacyBudget.fromMicro(try row.value("epsilon_micro")),
                publishedAt: Timestamp(secondsSinceEpoch: try row.value("published_at")), body: try row.value("body"))
        }
    }

    public func privacyBudgetSpent(period: ReleasePeriod) async throws -> [String: Double] {
        let rows = try await read { connection in
            try await connection.rows("""
                SELECT table_id, sum(epsilon_micro)::bigint AS micro FROM privacy_budget_spend
                WHERE period = \(period.description) GROUP BY table_id
                """, logger: logger)
        }
        var spent: [String: Double] = [:]
        for row in rows { spent[try row.value("table_id")] = PrivacyBudget.fromMicro(try row.value("micro")) }
        return spent
    }
}

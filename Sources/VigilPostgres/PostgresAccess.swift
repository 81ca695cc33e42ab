import Foundation
import PostgresNIO
import VigilCore
import VigilStore

extension PostgresStore: AccessStore {
    public func createAccount(
        tier: AccessTier, name: String, source: String?, tokenHash: String, at time: Timestamp
    ) async throws -> Account {
        try await write { connection in
            let id: Int64 = try await connection.rows("""
                INSERT INTO account (tier, name, source, token_hash, created_at)
                VALUES (\(tier.name), \(name), \(source), \(tokenHash), \(time.description)) RETURNING id
                """, logger: logger)[0].value("id")
            return Account(id: id, tier: tier, name: name, source: source, disabled: false)
        }
    }

    public func account(tokenHash: String) async throws -> Account? {
        let rows = try await read { connection in
            try await connection.rows(
                "SELECT id, tier, name, source, disabled FROM account WHERE token_hash = \(tokenHash)", logger: logger)
        }
        return try rows.first.flatMap(Self.decodeAccount)
    }

    public func raiseAlert(kind: String, details: [String: String], at time: Timestamp) async throws {
        try await write { connection in
            try await insertAlert(connection, NewAlert(kind: kind, details: details, raisedAt: time))
        }
    }

    public func alerts(limit: Int) async throws -> [Alert] {
        try await read { connection in
            try await connection.rows(
                "SELECT id, kind, raised_at, details FROM alert ORDER BY id DESC LIMIT \(Int64(limit))", logger: logger)
        }.map { row in
            Alert(
                id: try row.value("id"), kind: try row.value("kind"),
                raisedAt: Timestamp(secondsSinceEpoch: try row.value("raised_at")),
                details: (try? JSONDecoder().decode([String: String].self, from: Data((try row.value("details") as String).utf8))) ?? [:])
        }
    }
}

import Foundation
import Logging
import NIOCore
import PostgresNIO
import VigilCore
import VigilCrypto
import VigilStore

/// Each record's policy inputs sealed with a keyed MAC (``VigilCrypto/PolicySeal``), as in the SQLite
/// store: whoever writes to the database without the key cannot unprotect anyone.
extension PostgresStore {
    /// The columns a record's policy seal covers.
    static let policyInputColumns = "source, source_record_id, protections, held, purged_at, date_of_birth_sealed"

    static func policyInputs(_ row: PostgresRandomAccessRow) throws -> PolicySeal.Facts {
        PolicySeal.Facts(
            source: try row.value("source"), sourceRecordID: try row.value("source_record_id"),
            protections: try row.value("protections"), held: try row.value("held"),
            purgedAt: try row.value("purged_at"), dateOfBirthSealed: try row.value("date_of_birth_sealed"))
    }

    /// Whether a record row's policy inputs match the seal stored with them.
    func policyInputsIntact(_ row: PostgresRandomAccessRow) throws -> Bool {
        seals.verify(try Self.policyInputs(row), seal: try row.value("policy_seal"))
    }

    /// Runs `change`, which writes policy inputs of the records `ids`, then seals again each record whose
    /// seal held before the change. A record whose seal did not hold keeps the broken one: a write by Vigil
    /// never blesses a change made without the key.
    func changingPolicyInputs<Result>(
        _ connection: PostgresConnection, ids: [Int64], _ change: () async throws -> Result
    ) async throws -> Result {
        let intact = ids.isEmpty ? [] : try await connection.rows("""
            SELECT id, \(unescaped: Self.policyInputColumns), policy_seal FROM custody_record WHERE id = ANY(\(ids))
            """, logger: logger).filter { try policyInputsIntact($0) }.map { try $0.value("id", as: Int64.self) }
        let result = try await change()
        if !intact.isEmpty {
            try await seal(connection, try await connection.rows(
                "SELECT id, \(unescaped: Self.policyInputColumns) FROM custody_record WHERE id = ANY(\(intact))", logger: logger))
        }
        return result
    }

    /// Writes the seal of each record row (read with its policy inputs), from what it holds, in one statement.
    private func seal(_ connection: PostgresConnection, _ rows: [PostgresRandomAccessRow]) async throws {
        guard !rows.isEmpty else { return }
        let ids = try rows.map { try $0.value("id", as: Int64.self) }
        let sealed = try rows.map { ByteBuffer(bytes: seals.seal(try Self.policyInputs($0))) }
        try await connection.run("""
            UPDATE custody_record r SET policy_seal = u.seal
            FROM unnest(\(ids), \(sealed)) AS u(id, seal) WHERE r.id = u.id
            """, logger: logger)
    }

    /// The first open after the upgrade seals the records written before seals existed (trust on first
    /// use), once: afterwards a record without a seal is a record someone wrote without the key.
    func sealRecordsOnce() async throws {
        try await write { connection in
            try await connection.lock(.custody, logger: logger)
            guard try await connection.rows("SELECT 1 FROM policy_seal_state", logger: logger).isEmpty else { return }
            try await seal(connection, try await connection.rows(
                "SELECT id, \(unescaped: Self.policyInputColumns) FROM custody_record WHERE policy_seal IS NULL", logger: logger))
            try await connection.run(
                "INSERT INTO policy_seal_state (sealed_at) VALUES (\(Int64(Date().timeIntervalSince1970)))", logger: logger)
        }
    }
}

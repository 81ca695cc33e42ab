import Foundation
import PostgresNIO
import VigilCrypto
import VigilStore

extension PostgresStore: SharedRateLedger {
    /// One short transaction per request, serialised per key by an advisory lock on the key's token: two
    /// instances admitting the same client at the same moment see each other's request.
    public func admit(key: String, limit: Int, window: Double, now: Double) async throws -> Double? {
        let token = index.token(key, purpose: .client).hexString
        return try await write { connection -> Double? in
            try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(token), 0))", logger: logger)
            try await connection.run("DELETE FROM rate_hit WHERE key = \(token) AND at <= \(now - window)", logger: logger)
            let row = try await connection.rows(
                "SELECT count(*) AS n, min(at) AS oldest FROM rate_hit WHERE key = \(token)", logger: logger)[0]
            let count = try row.value("n", as: Int64.self)
            guard count < Int64(limit) else {
                let oldest = try row.value("oldest", as: Double?.self) ?? now
                return max(0, oldest + window - now)
            }
            try await connection.run("INSERT INTO rate_hit (key, at) VALUES (\(token), \(now))", logger: logger)
            return nil
        }
    }

    public func record(key: String, window: Double, now: Double) async throws -> Int {
        let token = index.token("occurrence|" + key, purpose: .client).hexString
        return try await write { connection in
            try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(token), 0))", logger: logger)
            try await connection.run("DELETE FROM rate_hit WHERE key = \(token) AND at <= \(now - window)", logger: logger)
            try await connection.run("INSERT INTO rate_hit (key, at) VALUES (\(token), \(now))", logger: logger)
            return Int(try await connection.rows(
                "SELECT count(*) AS n FROM rate_hit WHERE key = \(token)", logger: logger)[0].value("n", as: Int64.self))
        }
    }

    public func pruneRateLedger(before cutoff: Double) async throws {
        try await write { connection in
            try await connection.run("DELETE FROM rate_hit WHERE at < \(cutoff)", logger: logger)
        }
    }
}

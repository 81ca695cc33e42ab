import Foundation
import Logging
import PostgresNIO

extension PostgresConnection {
    /// Every row of a query, for random access by column name. For results that fit in memory.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// A statement whose rows, if any, are not needed.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }

    /// Takes a transaction-scoped advisory lock, waiting for whoever holds it; released at commit or rollback.
    func lock(_ lock: PostgresStore.Lock, logger: Logger) async throws {
        try await run("SELECT pg_advisory_xact_lock(\(lock.rawValue))", logger: logger)
    }
}

extension PostgresRandomAccessRow {
    /// The value of a column, decoded as the type the caller expects (`Optional` for nullable columns).
    func value<Value: PostgresDecodable>(_ column: String, as _: Value.Type = Value.self) throws -> Value {
        try self[column].decode(Value.self)
    }
}

/// A `postgres://` database URL, taken apart. Its password never appears in a message.
package struct PostgresURL {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String?
    var sslMode: String
    var schema: String?

    package init(_ url: String) throws {
        guard let components = URLComponents(string: url),
              ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty
        else { throw PostgresStoreError.badURL("expected postgres://user:password@host:port/database") }
        self.host = host
        port = components.port ?? 5432
        username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path.removingPercentEncoding
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw PostgresStoreError.badURL("sslmode must be disable, prefer or require")
        }
        if let schema = query["schema"] {
            guard (1...63).contains(schema.utf8.count),
                  schema.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
            else { throw PostgresStoreError.badURL("schema must be 1–63 of a–z, 0–9 and _") }
            self.schema = schema
        }
        let unknown = Set(query.keys).subtracting(["sslmode", "schema"])
        guard unknown.isEmpty else {
            throw PostgresStoreError.badURL("unknown parameter \(unknown.sorted().joined(separator: ", ")); known: sslmode, schema")
        }
    }

    /// The URL without its password, for messages.
    package var redacted: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? "")"
    }

    package var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case "disable": .disable
        case "require": .require(.makeClientConfiguration())
        default: .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        return configuration
    }
}

/// What went wrong talking to PostgreSQL, said without query text or bound values (they may be personal data).
public struct PostgresStoreError: Error, CustomStringConvertible {
    public var description: String

    static func badURL(_ detail: String) -> PostgresStoreError {
        PostgresStoreError(description: "not a usable PostgreSQL URL: \(detail)")
    }

    init(description: String) { self.description = description }

    init(_ error: any Error, doing what: String) {
        if let error = error as? PostgresStoreError {
            self = error
        } else if let error = error as? PSQLError {
            // The server's message names the failing rule; its detail could quote values, so it is left out.
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            description = "could not \(what): \(message)"
        } else {
            description = "could not \(what): \(error)"
        }
    }
}

import VigilCore
import VigilCrypto

/// An account of the agency, advocate or oversight tier. Its bearer token is stored only as a
/// SHA-256 hash: a database leak does not hand out working tokens.
public struct Account: Sendable, Equatable {
    public var id: Int64
    public var tier: AccessTier
    /// A label for people (an organisation, not a person's name, is expected here).
    public var name: String
    /// The feed source an agency account owns.
    public var source: String?
    public var disabled: Bool

    public init(id: Int64, tier: AccessTier, name: String, source: String?, disabled: Bool) {
        self.id = id
        self.tier = tier
        self.name = name
        self.source = source
        self.disabled = disabled
    }
}

/// Something oversight must look at.
public struct Alert: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var raisedAt: Timestamp
    /// Opaque references only (keyed tokens, record ids, counts): never personal data.
    public var details: [String: String]

    public init(id: Int64, kind: String, raisedAt: Timestamp, details: [String: String]) {
        self.id = id
        self.kind = kind
        self.raisedAt = raisedAt
        self.details = details
    }
}

extension Alert {
    /// The audit entry written with every alert, in the same transaction: an alert deleted from its table
    /// is still in the tamper-evident log (as are its details, by SHA-256 of their stored JSON, which keeps
    /// the log free of whatever the details hold).
    package static func auditEntry(id: Int64, kind: String, detailsJSON: String, at time: Timestamp) -> AuditEntry {
        AuditEntry(kind: .alert, recordedAt: time, fields: [
            "action": "alert_raised", "alert": String(id), "alert_kind": String(kind.prefix(64)),
            "details_sha256": AccountToken.hash(detailsJSON),
        ])
    }
}

/// Accounts and alerts, the access side of a store.
public protocol AccessStore: Sendable {
    func createAccount(tier: AccessTier, name: String, source: String?, tokenHash: String, at: Timestamp) async throws -> Account
    func account(tokenHash: String) async throws -> Account?
    /// Records an alert for oversight, and its audit entry with it (``Alert/auditEntry(id:kind:detailsJSON:at:)``).
    func raiseAlert(kind: String, details: [String: String], at: Timestamp) async throws
    func alerts(limit: Int) async throws -> [Alert]
}

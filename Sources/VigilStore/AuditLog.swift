import Foundation
import VigilCore
import VigilCrypto

/// The tamper-evident audit log: every disclosure decision, import batch and account action,
/// appended in order and never changed.
///
/// Entries are the leaves of an RFC 6962 Merkle tree (``VigilCrypto/MerkleHash``), in append order:
/// entry `seq` is leaf `seq`, counting from 0. From time to time the store signs the tree head as a
/// C2SP checkpoint (``VigilCrypto/Checkpoint``) and keeps the signed note; oversight keeps copies.
/// Verification then catches:
/// - an entry edited in place: its content no longer hashes to its stored leaf hash;
/// - an entry edited together with its stored leaf hash: the root no longer matches the checkpoint;
/// - an entry deleted: a gap in the sequence; entries deleted from the end: fewer than checkpointed;
/// - a forged or edited checkpoint: its Ed25519 signature does not verify.
///
/// What it cannot catch from the database alone: someone who deletes entries *and* every
/// checkpoint that covers them. That is why checkpoints are also handed to oversight, whose copy
/// any later log must be consistent with.
public protocol AuditLogStore: Sendable {
    /// Appends entries in one transaction, in order, and raises `alerts` in that same transaction;
    /// returns the new number of entries (the tree size).
    ///
    /// A lookup that reaches a protected person records its decision and the alert together: one write,
    /// so the alert costs the lookup no second wait and cannot fail on its own (issue 13, item 5).
    /// On SQLite the log has a database file of its own, so no import or purge holds a lock it waits for.
    func appendAudit(_ entries: [AuditEntry], alerts: [NewAlert]) async throws -> Int

    /// Signs the current tree head with the keyring's signing key and stores the signed note.
    ///
    /// Refuses (``AuditLogError/logDamaged(_:)``) when the log already fails verification, so a
    /// signature never vouches for a damaged log. Signing again at an unchanged size returns the
    /// same checkpoint and stores nothing new.
    func writeCheckpoint(keyring: Keyring, at: Timestamp) async throws -> Checkpoint

    /// Checks every entry and every checkpoint, streaming: memory stays flat whatever the log's size.
    func verifyAudit(publicKey: Data) async throws -> AuditVerification

    /// Up to `limit` entries with a sequence number above `seq`, in order; pass -1 to start at the first.
    func auditEntries(after seq: Int, limit: Int) async throws -> [(seq: Int, entry: AuditEntry)]

    /// The signed note of the largest checkpoint, if any: what to hand to oversight.
    func latestCheckpoint() async throws -> String?
}

extension AuditLogStore {
    /// Appends entries in one transaction, in order; returns the new number of entries (the tree size).
    public func appendAudit(_ entries: [AuditEntry]) async throws -> Int {
        try await appendAudit(entries, alerts: [])
    }
}

/// An alert for oversight, to be written with the audit entry of what caused it.
/// `details` are opaque references only (keyed tokens, record ids, rules), never personal data.
public struct NewAlert: Sendable, Equatable {
    public var kind: String
    public var details: [String: String]
    public var raisedAt: Timestamp

    public init(kind: String, details: [String: String], raisedAt: Timestamp) {
        self.kind = kind
        self.details = details
        self.raisedAt = raisedAt
    }
}

/// One thing that happened, as the audit log records it.
///
/// `fields` must **never** hold personal data: callers record opaque ids (a batch id, a case code
/// id, an account id), tiers, rule names and counts, never a name, an A-number or a date of birth.
/// The log is append-only and is handed to oversight, so anything written here stays and travels.
/// Field names are snake_case and values are short (``maximumValueLength``), which keeps free
/// text, where personal data creeps in, out of the log.
public struct AuditEntry: Sendable, Equatable {
    public var kind: AuditKind
    public var recordedAt: Timestamp
    public var fields: [String: String]

    /// The longest a field value may be, in UTF-8 bytes.
    public static let maximumValueLength = 256

    public init(kind: AuditKind, recordedAt: Timestamp, fields: [String: String] = [:]) {
        self.kind = kind
        self.recordedAt = recordedAt
        self.fields = fields
    }
}

/// What an audit entry records. The raw value is what is stored and hashed.
public enum AuditKind: String, Sendable, CaseIterable {
    /// A lookup and the disclosure decision it got (tier, rule applied, what was shown).
    case lookup
    /// An import batch and its counts.
    case importBatch = "import_batch"
    /// An account created, changed, suspended, or a key rotated.
    case account
    /// A notification sent, or one that could not be.
    case alert
    /// A statistics release published (the privacy budget it spent), or true counts shown to oversight.
    case statistics
}

/// The outcome of ``AuditLogStore/verifyAudit(publicKey:)``.
///
/// Verification stops at the first problem; the counts then say how far it got intact.
public struct AuditVerification: Sendable, Equatable {
    /// Entries checked and found intact.
    public var entries: Int
    /// Checkpoints checked and found intact.
    public var checkpoints: Int
    /// The size of the largest checkpoint, if any were stored.
    public var latestCheckpointSize: Int?
    /// The first problem found; `nil` when the log is intact.
    public var problem: AuditProblem?

    public init(entries: Int, checkpoints: Int, latestCheckpointSize: Int?, problem: AuditProblem?) {
        self.entries = entries
        self.checkpoints = checkpoints
        self.latestCheckpointSize = latestCheckpointSize
        self.problem = problem
    }

    public var isIntact: Bool { problem == nil }
}

/// What is wrong with an audit log, naming the first entry or checkpoint concerned.
public enum AuditProblem: Sendable, Equatable, CustomStringConvertible {
    /// The entry's kind, time or payload no longer hashes to its stored leaf hash.
    case entryAltered(seq: Int)
    /// The sequence skips this number: the entry was deleted.
    case entryMissing(seq: Int)
    /// The entries do not hash to the root this checkpoint signed: one it covers was changed
    /// together with its stored leaf hash, or replaced.
    case checkpointMismatch(size: Int)
    /// The checkpoint's note is not validly signed by the key verification was given.
    case checkpointSignatureInvalid(size: Int)
    /// A checkpoint covers `expected` entries but the log holds only `found`: entries were removed from its end.
    case truncated(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .entryAltered(let seq):
            "entry \(seq) was altered: its kind, time or payload no longer matches its recorded hash"
        case .entryMissing(let seq):
            "entry \(seq) is missing: it was deleted from the log"
        case .checkpointMismatch(let size):
            "the first \(size) entries no longer match the checkpoint signed at that size: an entry it covers was rewritten together with its hash"
        case .checkpointSignatureInvalid(let size):
            "the checkpoint at size \(size) is not validly signed by this key: the note was edited, or verify with the keyring that signed it"
        case .truncated(let expected, let found):
            "the log holds \(found) entries but was checkpointed at \(expected): entries were removed from its end"
        }
    }
}

public enum AuditLogError: Error, Equatable, CustomStringConvertible {
    /// A field name is not snake_case ASCII. The name itself is not repeated: it may be data.
    case invalidFieldName
    case fieldTooLong(name: String)
    /// A stored entry cannot be decoded (an unknown kind, or a payload that is not a JSON object of strings).
    case unreadableEntry(seq: Int)
    /// The log failed verification, so no checkpoint was signed.
    case logDamaged(AuditProblem)

    public var description: String {
        switch self {
        case .invalidFieldName:
            "an audit field name is not snake_case (1–64 of a–z, 0–9, _): audit fields are fixed names for ids, tiers, rules and counts"
        case .fieldTooLong(let name):
            "audit field \(name) is longer than \(AuditEntry.maximumValueLength) bytes: audit fields hold ids, tiers, rules and counts, never free text"
        case .unreadableEntry(let seq):
            "audit entry \(seq) cannot be decoded: run `vigil audit verify` to see whether it was altered"
        case .logDamaged(let problem):
            "refusing to sign a checkpoint over a damaged audit log (\(problem)); investigate with `vigil audit verify` first"
        }
    }
}

// MARK: - Leaf encoding

extension AuditEntry {
    /// The bytes an entry is hashed from: `kind ‖ 0x0A ‖ recorded_at ‖ 0x0A ‖ payload`, all UTF-8,
    /// exactly as stored. `recorded_at` is RFC 3339 UTC (`2026-03-02T00:00:00Z`) and `payload` the
    /// fields as JSON with sorted keys. Neither of the first two can hold a newline, so the bytes
    /// decode one way only. The leaf hash is ``VigilCrypto/MerkleHash/leaf(_:)`` of these bytes.
    package static func leafData(kind: String, recordedAt: String, payload: String) -> Data {
        Data("\(kind)\n\(recordedAt)\n\(payload)".utf8)
    }

    /// Whether stored `kind` and `recorded_at` text can be part of a leaf at all.
    package static func isHashable(kind: String, recordedAt: String) -> Bool {
        !kind.isEmpty && !kind.utf8.contains(0x0A) && !recordedAt.utf8.contains(0x0A)
    }

    /// The fields as canonical JSON: sorted keys, no insignificant whitespace, `/` unescaped.
    package func payload() throws(AuditLogError) -> String {
        for (name, value) in fields {
            guard (1...64).contains(name.utf8.count),
                  name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
            else { throw .invalidFieldName }
            guard value.utf8.count <= Self.maximumValueLength else { throw .fieldTooLong(name: name) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A dictionary of strings always encodes.
        let data = (try? encoder.encode(fields)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The entry back from its stored columns, or `nil` when they do not decode.
    package init?(kind: String, recordedAt: String, payload: String) {
        guard let kind = AuditKind(rawValue: kind), let time = Timestamp(iso: recordedAt),
              let fields = try? JSONDecoder().decode([String: String].self, from: Data(payload.utf8))
        else { return nil }
        self.init(kind: kind, recordedAt: time, fields: fields)
    }
}

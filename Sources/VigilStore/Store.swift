import VigilCore
import VigilFeeds

/// Everything Vigil keeps, behind one protocol so that SQLite (the embedded default) and
/// PostgreSQL (the scale path) are interchangeable and pass one conformance suite.
///
/// Personal data crosses this boundary in plaintext and is sealed inside: implementations
/// encrypt names, A-numbers and dates of birth with ``VigilCrypto/FieldCipher`` and find
/// people through ``VigilCrypto/BlindIndex`` tokens.
public protocol Store: Sendable {
    /// Applies one custody feed batch in a single transaction: every accepted row, its derived
    /// events and the batch's provenance are committed together, or nothing is.
    ///
    /// Rows are pulled from `rows` inside the transaction, so memory stays flat whatever the file size.
    /// A row that cannot follow the stored state (an illegal transition, a stale status) is passed to
    /// `onReject` and skipped; any other error aborts and rolls back the whole batch.
    func applyCustodyBatch(
        _ provenance: BatchProvenance, rows: some DecodedRowSource, onReject: (RowProblem) -> Void
    ) async throws -> BatchSummary

    /// Inserts or updates facilities by code, in one transaction. `rejected` counts the rows the
    /// caller could not decode, so that the batch's record is complete.
    func importFacilities(_ provenance: BatchProvenance, facilities: [Facility], rejected: Int) async throws -> BatchSummary

    func facility(code: String) async throws -> Facility?

    /// Every stored custody record whose person has this A-number, newest status first, decrypted.
    func records(aNumber: ANumber) async throws -> [StoredCustodyRecord]

    /// Every unpurged custody record of one person, newest status first, decrypted (a victim's own case).
    func records(personID: Int64) async throws -> [StoredCustodyRecord]

    /// The decryption work of `records` records, opening sealed values no one holds: a lookup pads what it
    /// read with decoys to a fixed number of records, so that a miss, a person with one record and a person
    /// with several cost the same.
    func decoyDecrypt(records: Int) throws
    func batches() async throws -> [BatchSummary]
    func events(forRecord recordID: Int64) async throws -> [CustodyEvent]
    func counts() async throws -> StoreCounts
}

/// The fixed decryption work of reading a person for an outsider (a lookup, a dispute), so that a miss,
/// a person with one record and a person with several cost the same.
public enum EqualWork {
    /// A person is rarely held by more than a jail and ICE, so four records cover nearly everyone; only a
    /// person with more records than this costs more.
    public static let recordsPerPerson = 4
}

extension Store {
    /// Tops up the decryption of the `opened` records already read with decoys, to ``EqualWork/recordsPerPerson``.
    public func padDecryptions(opened: Int) throws {
        try decoyDecrypt(records: max(0, EqualWork.recordsPerPerson - opened))
    }
}

/// Everything a running Vigil needs from its database: what `vigil serve` and the commands are given,
/// whichever store (SQLite or PostgreSQL) the `--database` names.
public typealias CompleteStore = Store & AuditLogStore & AccessStore & NotificationStore & RetentionStore & AccuracyStore
    & StatisticsStore & WebAccountStore & AccountLifecycleStore

/// Where a batch came from: recorded with it, for every field it changed.
public struct BatchProvenance: Sendable {
    public var source: String
    public var fileName: String
    public var fileSHA256: String
    public var receivedAt: Timestamp

    public init(source: String, fileName: String, fileSHA256: String, receivedAt: Timestamp) {
        self.source = source
        self.fileName = fileName
        self.fileSHA256 = fileSHA256
        self.receivedAt = receivedAt
    }
}

/// What one batch did.
public struct BatchSummary: Sendable, Codable, Equatable {
    public var batchID: Int64
    public var kind: String
    public var source: String
    public var fileName: String
    public var fileSHA256: String
    public var receivedAt: String
    /// Rows read, whatever became of them.
    public var rows: Int = 0
    /// Rows that created or changed a record.
    public var accepted: Int = 0
    /// Rows refused, each reported with its line, column and reason.
    public var rejected: Int = 0
    /// Rows identical to what is stored (a re-import, or a record that has not changed).
    public var unchanged: Int = 0
    /// Events derived from accepted rows.
    public var events: Int = 0
    public var eventsByKind: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", kind, source, fileName = "file_name", fileSHA256 = "file_sha256"
        case receivedAt = "received_at", rows, accepted, rejected, unchanged, events
        case eventsByKind = "events_by_kind"
    }

    package init(
        batchID: Int64, kind: String, source: String, fileName: String, fileSHA256: String, receivedAt: String, rows: Int = 0, accepted: Int = 0, rejected: Int = 0, unchanged: Int = 0, events: Int = 0, eventsByKind: [String: Int] = [:]
    ) {
        self.batchID = batchID
        self.kind = kind
        self.source = source
        self.fileName = fileName
        self.fileSHA256 = fileSHA256
        self.receivedAt = receivedAt
        self.rows = rows
        self.accepted = accepted
        self.rejected = rejected
        self.unchanged = unchanged
        self.events = events
        self.eventsByKind = eventsByKind
    }
}

/// A custody record as stored, decrypted for an authorised reader.
public struct StoredCustodyRecord: Sendable, Equatable {
    public var recordID: Int64
    public var personID: Int64
    public var source: String
    public var record: CustodyRecord
    public var batchID: Int64
    public var updatedAt: Timestamp
    /// Withheld pending review (a conflict between sources, or a dispute).
    public var held: Bool = false
    /// Whether the facts the policy weighs (protections, hold, purge, date of birth) still match the keyed
    /// seal written with them (``VigilCrypto/PolicySeal``). `false` means someone without the key changed
    /// them in the database: the policy then discloses nothing and raises an alert.
    public var policyInputsIntact: Bool = true

    package init(
        recordID: Int64, personID: Int64, source: String, record: CustodyRecord, batchID: Int64, updatedAt: Timestamp, held: Bool = false,
        policyInputsIntact: Bool = true
    ) {
        self.recordID = recordID
        self.personID = personID
        self.source = source
        self.record = record
        self.batchID = batchID
        self.updatedAt = updatedAt
        self.held = held
        self.policyInputsIntact = policyInputsIntact
    }
}

extension StoredCustodyRecord {
    /// What the disclosure policy weighs of this record: its content, source and as-of time, its hold,
    /// and whether its policy inputs are intact.
    public var policyCandidate: PolicyCandidate {
        PolicyCandidate(record: record, source: source, asOf: updatedAt, disputed: held, tampered: !policyInputsIntact)
    }
}

public struct StoreCounts: Sendable, Equatable, Codable {
    public var people: Int
    public var records: Int
    public var events: Int
    public var facilities: Int
    public var batches: Int

    package init(
        people: Int, records: Int, events: Int, facilities: Int, batches: Int
    ) {
        self.people = people
        self.records = records
        self.events = events
        self.facilities = facilities
        self.batches = batches
    }
}

/// A row of a feed after decoding: a record to apply, or a problem to report.
public enum DecodedRow: Sendable {
    case record(line: Int, CustodyRecord)
    case rejected(RowProblem)
}

/// A pull-based stream of decoded rows that a store consumes inside its transaction.
public protocol DecodedRowSource: AnyObject {
    func next() throws -> DecodedRow?
}

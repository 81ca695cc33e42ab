import VigilCore

/// Something a person must look at before a record is shown again: two sources that disagree, a
/// proposed identity link, or a dispute filed by the person, their counsel or an advocate.
public struct Review: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case conflict, identity, dispute }

    public var id: Int64
    public var kind: Kind
    public var recordID: Int64
    public var source: String
    public var sourceRecordID: String
    public var otherRecordID: Int64?
    /// Identity proposals: how alike the two identities are (``IdentityMatch``).
    public var score: Double?
    public var filedBy: String?
    public var status: String
    public var openedAt: Timestamp
    public var outcome: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, recordID = "record_id", source, sourceRecordID = "source_record_id", otherRecordID = "other_record_id"
        case score, filedBy = "filed_by", status, openedAt = "opened_at", outcome
    }

    package init(
        id: Int64, kind: Kind, recordID: Int64, source: String, sourceRecordID: String, otherRecordID: Int64? = nil, score: Double? = nil, filedBy: String? = nil, status: String, openedAt: Timestamp, outcome: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.recordID = recordID
        self.source = source
        self.sourceRecordID = sourceRecordID
        self.otherRecordID = otherRecordID
        self.score = score
        self.filedBy = filedBy
        self.status = status
        self.openedAt = openedAt
        self.outcome = outcome
    }
}

/// Who stands behind a dispute besides the filer's own word. Anyone may file a dispute, so an
/// anonymous one cannot hide a person (or tell by its effect that the person exists): it opens a review
/// and withholds nothing. A second signal withholds the record from the public until the review.
public enum DisputeConfirmation: Sendable, Equatable {
    /// An anonymous filer: a review, nothing withheld.
    case unconfirmed
    /// An advocate or counsel with an account, or oversight: every record disputed is withheld.
    case account
    /// An agency: its own source's records are withheld.
    case source(String)
    /// A registered victim: the records of the person their registration follows are withheld.
    case person(Int64)

    public func withholds(_ stored: StoredCustodyRecord) -> Bool {
        switch self {
        case .unconfirmed: false
        case .account: true
        case .source(let source): stored.source == source
        case .person(let personID): stored.personID == personID
        }
    }
}

/// How a reviewer closes a review.
public enum ReviewOutcome: String, Sendable, CaseIterable, Codable {
    /// Conflict or dispute: the record as stored is right; it is shown again.
    case confirmed
    /// Dispute: the person was right; the record stays withheld until a correction is applied.
    case upheld
    /// Identity: the two records are one person; they are linked.
    case linked
    /// Identity: two different people.
    case distinct
}

/// A reviewer's corrected custody state. The booking date stays as stored unless given:
/// a reviewer corrects the state, not the history.
public struct CorrectedCustody: Sendable, Equatable {
    public var status: CustodyStatus
    public var statusDate: Timestamp
    public var facilityCode: String?
    public var releaseReason: ReleaseReason?
    public var bookingDate: CalendarDate?

    public init(status: CustodyStatus, statusDate: Timestamp, facilityCode: String? = nil, releaseReason: ReleaseReason? = nil,
                bookingDate: CalendarDate? = nil) {
        self.status = status
        self.statusDate = statusDate
        self.facilityCode = status == .inCustody ? facilityCode : nil
        self.releaseReason = status == .released ? releaseReason : nil
        self.bookingDate = bookingDate
    }
}

/// What a correction did.
public struct CorrectionSummary: Sendable, Equatable, Codable {
    public var recordID: Int64
    /// Registrations that had received the wrong information (by notice or by looking it up) and
    /// were sent a `corrected` notice.
    public var notifiedRegistrations: [Int64]
    /// Notices of the wrong information that had not gone out yet, withdrawn instead.
    public var withdrawnNotices: Int

    enum CodingKeys: String, CodingKey {
        case recordID = "record_id", notifiedRegistrations = "notified_registrations", withdrawnNotices = "withdrawn_notices"
    }

    package init(
        recordID: Int64, notifiedRegistrations: [Int64], withdrawnNotices: Int
    ) {
        self.recordID = recordID
        self.notifiedRegistrations = notifiedRegistrations
        self.withdrawnNotices = withdrawnNotices
    }
}

/// One source's data quality.
public struct SourceQuality: Sendable, Equatable, Codable {
    public var source: String
    public var batches: Int
    public var rows: Int
    public var rejected: Int
    public var rejectRate: Double
    /// Rejections by `column: reason`.
    public var rejectsByReason: [String: Int]
    public var conflicts: Int
    public var disputes: Int
    public var corrections: Int
    /// Seconds since the source's last batch.
    public var staleness: Int64
    public var lastBatchAt: String

    enum CodingKeys: String, CodingKey {
        case source, batches, rows, rejected, rejectRate = "reject_rate", rejectsByReason = "rejects_by_reason"
        case conflicts, disputes, corrections, staleness = "staleness_seconds", lastBatchAt = "last_batch_at"
    }

    package init(
        source: String, batches: Int, rows: Int, rejected: Int, rejectRate: Double, rejectsByReason: [String: Int], conflicts: Int, disputes: Int, corrections: Int, staleness: Int64, lastBatchAt: String
    ) {
        self.source = source
        self.batches = batches
        self.rows = rows
        self.rejected = rejected
        self.rejectRate = rejectRate
        self.rejectsByReason = rejectsByReason
        self.conflicts = conflicts
        self.disputes = disputes
        self.corrections = corrections
        self.staleness = staleness
        self.lastBatchAt = lastBatchAt
    }
}

/// Conflicts, identity proposals, disputes, corrections and the quality report.
public protocol AccuracyStore: Sendable {
    /// Files a dispute against the records of an A-number and country: a review for each record, and
    /// the record withheld only where `confirmation` vouches for the filer. The same work either way:
    /// an A-number with no record still decrypts a decoy and writes its audit entry. Returns whether
    /// any record matched: for the audit only; the filer is told the same either way.
    func fileDispute(
        aNumber: ANumber, country: CountryCode, filedBy: String, reference: String, receiptHash: String,
        confirmation: DisputeConfirmation, at: Timestamp
    ) async throws -> Bool
    /// Open reviews (all, or one source's when `source` is given).
    func reviews(source: String?, includeResolved: Bool) async throws -> [Review]
    func review(id: Int64) async throws -> Review?
    func resolveReview(id: Int64, outcome: ReviewOutcome, by reviewer: String, at: Timestamp) async throws
    /// Replaces a record's custody state with a reviewer's correction and tells everyone who got the wrong one.
    func correct(source: String, sourceRecordID: String, to correction: CorrectedCustody, by reviewer: String, at: Timestamp) async throws -> CorrectionSummary?
    func quality(now: Timestamp) async throws -> [SourceQuality]
}

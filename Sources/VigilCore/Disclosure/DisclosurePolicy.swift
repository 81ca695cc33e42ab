/// Who is asking. Tiers are ordered: each sees at least what the one below it sees.
public enum AccessTier: Int, Comparable, CaseIterable, Sendable, Codable {
    /// Anyone, unauthenticated, rate-limited.
    case `public`
    /// A person an agency linked to one case through a case code.
    case victim
    /// A vetted victim-services organisation, for the cases linked to it.
    case advocate
    /// A custody data provider: its own source's records in full.
    case agency
    /// Privacy officers and inspectors.
    case oversight

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var name: String {
        switch self {
        case .public: "public"
        case .victim: "victim"
        case .advocate: "advocate"
        case .agency: "agency"
        case .oversight: "oversight"
        }
    }
}

/// The requester, as far as the policy needs to know them.
public struct Requester: Sendable, Equatable {
    public var tier: AccessTier
    /// For the agency tier: the feed source the agency owns. An agency sees its own records in full
    /// and other agencies' records as the public does.
    public var source: String?
    /// The account behind the request, for the audit log; `nil` for the public.
    public var accountID: Int64?

    public init(tier: AccessTier, source: String? = nil, accountID: Int64? = nil) {
        self.tier = tier
        self.source = source
        self.accountID = accountID
    }

    public static let anonymous = Requester(tier: .public)
}

/// A stored record together with the facts the policy weighs besides its content.
public struct PolicyCandidate: Sendable, Equatable {
    public var record: CustodyRecord
    public var source: String
    /// When the source last told us about this record: every answer carries it.
    public var asOf: Timestamp
    public var purged: Bool
    /// A dispute is open and not yet reviewed.
    public var disputed: Bool

    public init(record: CustodyRecord, source: String, asOf: Timestamp, purged: Bool = false, disputed: Bool = false) {
        self.record = record
        self.source = source
        self.asOf = asOf
        self.purged = purged
        self.disputed = disputed
    }
}

/// What may be said about a record.
public enum Disclosure: Sendable, Equatable {
    /// Nothing: indistinguishable from "no such record".
    case noMatch
    /// Victim tiers only: the record exists for them but is being verified.
    case underReview(asOf: Timestamp)
    case match(DisclosedCustody)
}

/// The fields a tier may see. Every field is optional so that the allow-list decides, field by field.
public struct DisclosedCustody: Sendable, Equatable {
    public var status: CustodyStatus
    public var facilityCode: String?
    public var asOf: Timestamp
    // Victim tiers and above.
    public var statusDate: Timestamp?
    public var releaseReason: ReleaseReason?
    // Agency (own source) and oversight.
    public var record: CustodyRecord?
}

/// Why a decision must be brought to oversight's attention.
public enum DisclosureAlert: String, Sendable, Equatable {
    /// Somebody below the agency tier looked up a protected person.
    case protectedRecordQueried = "protected_record_queried"
}

/// The disclosure policy: a pure function of the record, the requester and the day.
///
/// 1. No record, or purged → no match.
/// 2. Under 18 at booking or today, or date of birth unknown → no match below full access.
/// 3. Any protection → no match below full access, and an alert.
/// 4. Disputed and not yet reviewed → no match for the public, "under review" for victim tiers.
/// 5. Otherwise the tier's allow-list of fields, nothing more.
///
/// "Full access" is oversight, or an agency looking at its own source's record.
/// The reason a public answer is "no match" is deliberately not part of the result: callers cannot
/// leak what they are not told.
public enum DisclosurePolicy {
    public struct Decision: Sendable, Equatable {
        public var disclosure: Disclosure
        public var alert: DisclosureAlert?
        /// The rule that decided, for the audit log (never shown to the requester).
        public var rule: Rule
    }

    public enum Rule: String, Sendable, Equatable {
        case absent, purged, minorOrUnknownAge = "minor_or_unknown_age", protected, disputed, allowed
    }

    public static func decide(_ candidate: PolicyCandidate?, for requester: Requester, today: CalendarDate) -> Decision {
        guard let candidate else { return Decision(disclosure: .noMatch, alert: nil, rule: .absent) }
        // Every check is evaluated before any branch, so each answer costs the same work.
        let purged = candidate.purged
        let minor = candidate.record.isMinorOrUnknownAge(today: today)
        let protected = !candidate.record.protections.isEmpty
        let fullAccess = requester.tier == .oversight
            || (requester.tier == .agency && requester.source != nil && requester.source == candidate.source)
        let disputed = candidate.disputed

        // Oversight hears of every attempt on a protected person, a protected child included;
        // the alert goes to oversight only and changes nothing in the answer.
        let alert: DisclosureAlert? = protected && !fullAccess && !purged ? .protectedRecordQueried : nil

        if purged { return Decision(disclosure: .noMatch, alert: nil, rule: .purged) }
        if fullAccess { return Decision(disclosure: .match(fields(candidate, full: true, victim: true)), alert: nil, rule: .allowed) }
        if minor { return Decision(disclosure: .noMatch, alert: alert, rule: .minorOrUnknownAge) }
        if protected { return Decision(disclosure: .noMatch, alert: alert, rule: .protected) }
        let victimTier = requester.tier >= .victim && requester.tier <= .advocate
        if disputed {
            return Decision(disclosure: victimTier ? .underReview(asOf: candidate.asOf) : .noMatch, alert: nil, rule: .disputed)
        }
        return Decision(disclosure: .match(fields(candidate, full: false, victim: victimTier)), alert: nil, rule: .allowed)
    }

    private static func fields(_ candidate: PolicyCandidate, full: Bool, victim: Bool) -> DisclosedCustody {
        let custody = candidate.record.custody
        return DisclosedCustody(
            status: custody.status,
            facilityCode: custody.status == .inCustody ? custody.facilityCode : nil,
            asOf: candidate.asOf,
            statusDate: victim || full ? custody.statusDate : nil,
            releaseReason: victim || full ? custody.releaseReason : nil,
            record: full ? candidate.record : nil
        )
    }
}

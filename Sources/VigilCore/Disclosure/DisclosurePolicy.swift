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
    /// The stored facts this candidate was built from no longer match their keyed seal: someone without
    /// the key changed them, and nothing about the person can be trusted.
    public var tampered: Bool

    public init(
        record: CustodyRecord, source: String, asOf: Timestamp, purged: Bool = false, disputed: Bool = false, tampered: Bool = false
    ) {
        self.record = record
        self.source = source
        self.asOf = asOf
        self.purged = purged
        self.disputed = disputed
        self.tampered = tampered
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
    /// A record's policy inputs do not match their keyed seal: written in the database by someone without the key.
    case policyInputTampered = "policy_input_tampered"
}

/// The disclosure policy: a pure function of a person's records, the requester and the day.
///
/// It decides about a **person**, never about one record: it is given every live record of the person,
/// from every source (same A-number and country of birth), and the most protective fact on any of them
/// decides for all of them.
///
/// 1. No record, or every record purged → no match.
/// 2. A live record whose policy inputs do not match their keyed seal (tampered) → no match for every
///    tier, full access included, and an alert: nothing about the person can be trusted until someone has looked.
/// 3. Under 18 at booking or today, or date of birth unknown, on **any** record → no match below full access.
/// 4. A protection on **any** record → no match below full access, and an alert.
/// 5. **Any** record disputed or held and not yet reviewed → no match for the public, "under review" for victim tiers.
/// 6. Otherwise the tier's allow-list of fields, about the person's current custody, nothing more.
///
/// "Full access" is oversight, or an agency whose own source holds one of the person's live records.
/// Oversight sees the record that answers in full; an agency sees **its own record** in full and
/// nothing of the other sources' records (not even that they exist): its answer is about the custody
/// its own source reports.
///
/// The person's current custody across sources is ``PersonCustody/current(_:)``: a release, removal
/// or escape is superseded by another record booked on or after that day (the jail→ICE hand-off
/// answers with the later custody, not the release); otherwise the newest status answers.
///
/// The reason a public answer is "no match" is deliberately not part of the result: callers cannot
/// leak what they are not told.
public enum DisclosurePolicy {
    public struct Decision: Sendable, Equatable {
        public var disclosure: Disclosure
        public var alert: DisclosureAlert?
        /// The rule that decided, for the audit log (never shown to the requester).
        public var rule: Rule
        /// The index, in the records given, of the record the answer is about (`nil` for no match).
        public var basis: Int?
    }

    public enum Rule: String, Sendable, Equatable {
        case absent, purged, tampered = "policy_input_tampered", minorOrUnknownAge = "minor_or_unknown_age", protected, disputed
        case allowed
    }

    /// One record's decision: the person has this record only (or none).
    public static func decide(_ candidate: PolicyCandidate?, for requester: Requester, today: CalendarDate) -> Decision {
        decide(person: candidate.map { [$0] } ?? [], for: requester, today: today)
    }

    /// The decision about the person whose records (all sources, purged ones included or not) are `records`.
    public static func decide(person records: [PolicyCandidate], for requester: Requester, today: CalendarDate) -> Decision {
        let live = records.indices.filter { !records[$0].purged }
        // Every check is evaluated over every record before any branch, so each answer costs the same work.
        var minor = false, protected = false, disputed = false, tampered = false
        for index in live {
            let candidate = records[index]
            tampered = candidate.tampered || tampered
            minor = candidate.record.isMinorOrUnknownAge(today: today) || minor
            protected = !candidate.record.protections.isEmpty || protected
            disputed = candidate.disputed || disputed
        }
        let ownRecords = requester.tier == .agency && requester.source != nil
            ? live.filter { records[$0].source == requester.source } : []
        let fullAccess = requester.tier == .oversight || !ownRecords.isEmpty
        let answering = current(fullAccess && requester.tier == .agency ? ownRecords : live, of: records)

        // Oversight hears of every attempt on a protected person, a protected child included;
        // the alert goes to oversight only and changes nothing in the answer.
        let alert: DisclosureAlert? = protected && !fullAccess ? .protectedRecordQueried : nil

        guard let answering else {
            return Decision(disclosure: .noMatch, alert: nil, rule: records.isEmpty ? .absent : .purged)
        }
        if tampered { return Decision(disclosure: .noMatch, alert: .policyInputTampered, rule: .tampered) }
        let candidate = records[answering]
        if fullAccess {
            return Decision(disclosure: .match(fields(candidate, full: true, victim: true)), alert: nil, rule: .allowed, basis: answering)
        }
        if minor { return Decision(disclosure: .noMatch, alert: alert, rule: .minorOrUnknownAge) }
        if protected { return Decision(disclosure: .noMatch, alert: alert, rule: .protected) }
        let victimTier = requester.tier >= .victim && requester.tier <= .advocate
        if disputed {
            return Decision(disclosure: victimTier ? .underReview(asOf: candidate.asOf) : .noMatch, alert: nil, rule: .disputed)
        }
        return Decision(disclosure: .match(fields(candidate, full: false, victim: victimTier)), alert: nil, rule: .allowed, basis: answering)
    }

    /// The index of the record that answers among `indices` (see ``PersonCustody``).
    private static func current(_ indices: [Int], of records: [PolicyCandidate]) -> Int? {
        PersonCustody.current(indices.map { records[$0].record.custody }).map { indices[$0] }
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

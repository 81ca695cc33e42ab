import Foundation
import Logging
import VigilCore
import VigilCrypto
import VigilStore

/// Answers "where is this person?" for one requester: identifiers → blind-index lookup →
/// ``DisclosurePolicy`` → answer, with the decision audited and alerts raised for oversight.
///
/// Constant work: an absent A-number still decrypts a decoy record, and the policy evaluates
/// every rule before it branches, so that a public "no match" takes the same time whether the
/// person is absent, a minor or protected.
public struct LookupService: Sendable {
    public typealias Clock = @Sendable () -> Timestamp

    let store: any LookupStore
    let auditLog: AuditGroupCommit
    let index: BlindIndex
    let clock: Clock
    let logger: Logger

    public init(store: any LookupStore, keyring: Keyring, clock: @escaping Clock, logger: Logger) {
        self.store = store
        auditLog = AuditGroupCommit(store: store)
        index = BlindIndex(keyring: keyring)
        self.clock = clock
        self.logger = logger
    }

    /// What the lookup produced, for the HTTP layer to render and the rate limiter to count.
    public struct Answer: Sendable, Equatable {
        public var disclosure: Disclosure
        public var facility: Facility?
        public var source: String?
        /// The batch that last changed the chosen record.
        public var batchID: Int64?
        /// True when the answer is "no match" for any reason (the rate limiter counts misses).
        public var isMiss: Bool {
            if case .noMatch = disclosure { return true }
            return false
        }
    }

    /// Malformed identifiers are a "no match", not an error: an error would tell an enumerator which
    /// numbers are well-formed, and a typo deserves the same answer as an unknown number.
    public func lookup(aNumber aNumberText: String, countryOfBirth countryText: String, requester: Requester, client: String)
        async throws -> Answer
    {
        let now = clock()
        let aNumber = try? ANumber(parsing: aNumberText)
        let country = try? CountryCode(parsing: countryText)
        let subject = aNumber.map { index.token($0.digits, purpose: .aNumber) }

        // One indexed read whatever the input: a malformed number still costs a read, whose result is discarded.
        let read = try await store.records(aNumber: aNumber ?? Self.placeholder)
        let candidates = aNumber == nil ? [] : read
        if candidates.isEmpty { try store.decoyDecrypt() }

        // The person's own records: the country must match too. An agency sees its own record first.
        let matching = candidates.filter { $0.record.countryOfBirth == country }
        let chosen = matching.first { requester.tier == .agency && $0.source == requester.source } ?? matching.first

        // Audit: who (tier, account, keyed client token), what (keyed subject token, record id).
        var fields = ["client": clientToken(client)]
        if let account = requester.accountID { fields["account"] = String(account) }
        if let subject { fields["subject"] = subject.hexString }
        return try await decide(chosen, for: requester, at: now, auditing: fields)
    }

    /// The status of the one person a victim's registration follows, through the same policy.
    public func lookup(personID: Int64, registrationID: Int64, requester: Requester) async throws -> Answer {
        let chosen = try await store.records(personID: personID).first
        return try await decide(chosen, for: requester, at: clock(), auditing: ["registration": String(registrationID)])
    }

    /// The common end of every lookup: the policy decides, the facility is looked up for a match,
    /// the decision is audited with the rule that made it, and an alert goes to oversight when due.
    private func decide(
        _ chosen: StoredCustodyRecord?, for requester: Requester, at now: Timestamp, auditing context: [String: String]
    ) async throws -> Answer {
        let candidate = chosen.map { PolicyCandidate(record: $0.record, source: $0.source, asOf: $0.updatedAt, disputed: $0.held) }
        let decision = DisclosurePolicy.decide(candidate, for: requester, today: now.utcDate)

        var facility: Facility?
        if case .match(let custody) = decision.disclosure, let code = custody.facilityCode {
            facility = try await store.facility(code: code) ?? Facility(code: code, name: code)
        }

        var fields = context
        fields["tier"] = requester.tier.name
        fields["rule"] = decision.rule.rawValue
        fields["answer"] = Self.answerName(decision.disclosure)
        if let chosen { fields["record"] = String(chosen.recordID) }
        // The alert, if due, is written with the entry: one group-committed transaction, no second wait.
        let alert = decision.alert.map { NewAlert(kind: $0.rawValue, details: fields, raisedAt: now) }
        try await auditLog.append(AuditEntry(kind: .lookup, recordedAt: now, fields: fields), alert: alert)
        if let alert {
            logger.notice("alert raised", metadata: ["alert": "\(alert.kind)", "tier": "\(requester.tier.name)"])
        }
        return Answer(disclosure: decision.disclosure, facility: facility, source: chosen?.source, batchID: chosen?.batchID)
    }

    /// A keyed token for a client address: stable, so repeated attempts can be linked, but not the address.
    public func clientToken(_ client: String) -> String { index.token(client, purpose: .client).hexString }

    /// Read in place of a malformed number, so that it costs what a well-formed one does.
    private static let placeholder = try! ANumber(parsing: "A000000001")

    static func answerName(_ disclosure: Disclosure) -> String {
        switch disclosure {
        case .noMatch: "no_match"
        case .underReview: "under_review"
        case .match: "match"
        }
    }
}

/// What a lookup reads and writes: records by blind index, facilities, the audit log and alerts.
public typealias LookupStore = Store & AuditLogStore & AccessStore

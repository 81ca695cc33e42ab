import Foundation
import Logging
import VigilCore
import VigilCrypto
import VigilStore

/// Answers "where is this person?" for one requester: identifiers → blind-index lookup →
/// ``DisclosurePolicy`` → answer, with the decision audited and alerts raised for oversight.
///
/// Constant work: every lookup decrypts ``EqualWork/recordsPerPerson`` records' worth of sealed values
/// (the person's own records, padded with decoys), and the policy evaluates every rule over every record
/// before it branches, so that a public "no match" takes the same time whether the person is absent, has
/// one record or several, is a minor or is protected.
public struct LookupService: Sendable {
    public typealias Clock = @Sendable () -> Timestamp

    let store: any LookupStore
    let auditLog: AuditGroupCommit
    let index: BlindIndex
    /// The audit log's subject token: keyed apart from the stored A-number index (see ``AuditSubjectToken``).
    let subjects: AuditSubjectToken
    let clock: Clock
    let logger: Logger

    public init(store: any LookupStore, keyring: Keyring, clock: @escaping Clock, logger: Logger) {
        self.store = store
        auditLog = AuditGroupCommit(store: store)
        index = BlindIndex(keyring: keyring)
        subjects = AuditSubjectToken(keyring: keyring)
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
        let subject = aNumber.map { subjects.token(aNumberDigits: $0.digits) }

        // One indexed read whatever the input: a malformed number still costs a read, whose result is discarded.
        let read = try await store.records(aNumber: aNumber ?? Self.placeholder)
        try store.padDecryptions(opened: read.count)
        let candidates = aNumber == nil ? [] : read

        // The person's own records, from every source: the country must match too. The policy weighs them all.
        let person = candidates.filter { $0.record.countryOfBirth == country }

        // Audit: who (tier, account, keyed client token), what (keyed subject token, record ids).
        var fields = ["client": clientToken(client)]
        if let account = requester.accountID { fields["account"] = String(account) }
        if let subject { fields["subject"] = subject }
        return try await decide(person, for: requester, at: now, auditing: fields)
    }

    /// The status of the one person a victim's registration follows, through the same policy and over
    /// the same records (every live record of the person, whichever source holds it).
    public func lookup(personID: Int64, registrationID: Int64, requester: Requester) async throws -> Answer {
        let person = try await store.records(personID: personID)
        try store.padDecryptions(opened: person.count)
        return try await decide(person, for: requester, at: clock(), auditing: ["registration": String(registrationID)])
    }

    /// The common end of every lookup: the policy decides about the person, the facility is looked up
    /// for a match, the decision is audited with the rule that made it, and an alert goes to oversight when due.
    private func decide(
        _ person: [StoredCustodyRecord], for requester: Requester, at now: Timestamp, auditing context: [String: String]
    ) async throws -> Answer {
        let decision = DisclosurePolicy.decide(person: person.map(\.policyCandidate), for: requester, today: now.utcDate)
        let basis = decision.basis.map { person[$0] }

        var facility: Facility?
        if case .match(let custody) = decision.disclosure, let code = custody.facilityCode {
            facility = try await store.facility(code: code) ?? Facility(code: code, name: code)
        }

        var fields = context
        fields["tier"] = requester.tier.name
        fields["rule"] = decision.rule.rawValue
        fields["answer"] = Self.answerName(decision.disclosure)
        // `record`: the record the answer told of (corrections find who was told through it);
        // `records`: every record of the person the policy weighed.
        if let basis { fields["record"] = String(basis.recordID) }
        if !person.isEmpty { fields["records"] = person.map { String($0.recordID) }.joined(separator: ",") }
        // The alert, if due, is written with the entry: one group-committed transaction, no second wait.
        let alert = decision.alert.map { NewAlert(kind: $0.rawValue, details: fields, raisedAt: now) }
        try await auditLog.append(AuditEntry(kind: .lookup, recordedAt: now, fields: fields), alert: alert)
        if let alert {
            logger.notice("alert raised", metadata: ["alert": "\(alert.kind)", "tier": "\(requester.tier.name)"])
        }
        return Answer(disclosure: decision.disclosure, facility: facility, source: basis?.source, batchID: basis?.batchID)
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

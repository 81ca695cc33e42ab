import Foundation
import VigilCore
import VigilCrypto
import VigilFeeds

// What every store implementation shares: the labels values are sealed under, the keyed tokens
// and fingerprints rows are found by, and the rules that are Vigil's rather than a database's.
// A value sealed or indexed by one store reads the same in the other, given the same keyring.

/// The authenticated-data labels of sealed columns: a value sealed for one cannot be opened as another.
package enum SealedField {
    package static let aNumber = "person.a_number"
    package static let familyName = "person.family_name"
    package static let givenName = "person.given_name"
    package static let dateOfBirth = "person.date_of_birth"
}

/// The sealing labels of notification columns.
package enum NotificationField {
    package static let address = "registration.address"
    package static let secret = "registration.webhook_secret"
    package static let pin = "outbox.pin"
}

package enum AccuracyField {
    package static let reference = "review.reference"
}

extension JSONEncoder {
    /// Sorted keys: the same value always encodes to the same bytes.
    package static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// Compares secrets without an early exit, so the time taken says nothing about where they differ.
package func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}

extension CustodyState {
    /// The custody facts as columns hold them: status date in seconds, booking date as a day number.
    package init(storedStatus status: String, statusDate: Int64, bookingDay: Int, facilityCode: String?, releaseReason: String?) {
        self.init(
            status: CustodyStatus(rawValue: status) ?? .inCustody,
            statusDate: Timestamp(secondsSinceEpoch: statusDate),
            bookingDate: CalendarDate(dayNumber: bookingDay),
            facilityCode: facilityCode,
            releaseReason: releaseReason.flatMap(ReleaseReason.init(rawValue:))
        )
    }
}

/// The keyed tokens and sealed values of one feed row, computed the same way by every store.
package struct CustodyRowKeys {
    package let cipher: FieldCipher
    package let index: BlindIndex

    package init(cipher: FieldCipher, index: BlindIndex) {
        self.cipher = cipher
        self.index = index
    }

    /// The keyed fingerprint of every field of the row, unambiguously separated (0x1F), with its source:
    /// how an unchanged row is recognised without decrypting anything.
    package func fingerprint(_ record: CustodyRecord, source: String) -> Data {
        let custody = record.custody
        return index.token(joining: [
            source, record.sourceRecordID, record.aNumber?.digits ?? "", record.name.family, record.name.given,
            record.dateOfBirth?.description ?? "", record.countryOfBirth.alpha2, record.criminalHistory.rawValue,
            Protection.format(record.protections), custody.status.rawValue, String(custody.statusDate.secondsSinceEpoch),
            custody.bookingDate.description, custody.facilityCode ?? "", custody.releaseReason?.rawValue ?? "",
        ], separator: 0x1F, purpose: .rowFingerprint)
    }

    package func aNumberToken(_ aNumber: ANumber) -> Data { index.token(aNumber.digits, purpose: .aNumber) }

    /// Normalised name and date of birth: whether a holder of the same A-number is the same person as stored.
    package func nameToken(_ record: CustodyRecord) -> Data {
        index.token(record.name.matchKey + "|" + (record.dateOfBirth?.description ?? ""), purpose: .nameAndBirth)
    }

    /// Date of birth and country: the candidates for an identity proposal.
    package func birthCountryToken(_ record: CustodyRecord) -> Data? {
        record.dateOfBirth.map { index.token("\($0)|\(record.countryOfBirth.alpha2)", purpose: .nameAndBirth) }
    }

    /// The person columns of a row, sealed and indexed.
    package func person(_ record: CustodyRecord) -> SealedPerson {
        // One call seals every present field: their nonces come from one read of the random source.
        var fields: [(plaintext: String, field: String)] = [
            (record.name.family, SealedField.familyName), (record.name.given, SealedField.givenName),
        ]
        if let aNumber = record.aNumber { fields.append((aNumber.digits, SealedField.aNumber)) }
        if let birth = record.dateOfBirth { fields.append((birth.description, SealedField.dateOfBirth)) }
        let sealed = cipher.sealAll(fields)
        return SealedPerson(
            aNumberIndex: record.aNumber.map(aNumberToken),
            aNumberSealed: record.aNumber == nil ? nil : sealed[2],
            nameIndex: nameToken(record),
            familyNameSealed: sealed[0],
            givenNameSealed: sealed[1],
            dateOfBirthSealed: record.dateOfBirth == nil ? nil : sealed[record.aNumber == nil ? 2 : 3],
            countryOfBirth: record.countryOfBirth.alpha2,
            birthCountryIndex: birthCountryToken(record))
    }

    /// Everything keyed or sealed about a row, computed ahead of the transaction that writes it.
    package func prepare(_ record: CustodyRecord, source: String) -> PreparedRow {
        PreparedRow(fingerprint: fingerprint(record, source: source), person: person(record))
    }

    /// Whether two people found by name, birth date and country are close enough to ask a reviewer.
    package func identityScore(_ record: CustodyRecord, candidateFamily: Data, candidateGiven: Data) -> Double? {
        guard let family = try? cipher.open(candidateFamily, field: SealedField.familyName),
              let given = try? cipher.open(candidateGiven, field: SealedField.givenName) else { return nil }
        let score = IdentityMatch.score(
            record.name, record.dateOfBirth, record.countryOfBirth,
            PersonName(family: family, given: given), record.dateOfBirth, record.countryOfBirth)
        return score >= IdentityMatch.proposalThreshold ? score : nil
    }
}

/// A sealed record no one holds, opened when a lookup finds nothing so that a miss costs what a hit does.
package struct DecoyRecord: Sendable {
    private let fields: [(sealed: Data, field: String)]
    private let cipher: FieldCipher

    package init(cipher: FieldCipher) {
        self.cipher = cipher
        fields = [
            (cipher.seal("000000000", field: SealedField.aNumber), SealedField.aNumber),
            (cipher.seal("Decoy Decoy", field: SealedField.familyName), SealedField.familyName),
            (cipher.seal("Decoy", field: SealedField.givenName), SealedField.givenName),
            (cipher.seal("1970-01-01", field: SealedField.dateOfBirth), SealedField.dateOfBirth),
        ]
    }

    /// The decryption work of one record.
    package func open() throws {
        for (sealed, field) in fields { _ = try cipher.open(sealed, field: field) }
    }
}

/// A row's fingerprint and sealed person, ready before the row is written.
package struct PreparedRow: Sendable {
    package var fingerprint: Data
    package var person: SealedPerson

    package init(fingerprint: Data, person: SealedPerson) {
        self.fingerprint = fingerprint
        self.person = person
    }
}

/// A person's columns, sealed: what `person` rows hold.
package struct SealedPerson: Sendable {
    package var aNumberIndex: Data?
    package var aNumberSealed: Data?
    package var nameIndex: Data
    package var familyNameSealed: Data
    package var givenNameSealed: Data
    package var dateOfBirthSealed: Data?
    package var countryOfBirth: String
    package var birthCountryIndex: Data?
}

/// A notice about to enter the outbox.
package enum OutboxNotice {
    /// A fresh, unguessable message id, fixed for every retry: receivers deduplicate on it.
    package static func newMessageID() -> String {
        "msg_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// The sealed PIN of a notice that must be acknowledged (release, escape, removal by a person-facing channel).
    package static func sealedPIN(kind: CustodyEventKind, channel: String, cipher: FieldCipher) -> Data? {
        let needsPIN = NoticeText.acknowledgementRequired.contains(kind) && channel != NotificationChannel.webhook.rawValue
        return needsPIN ? cipher.seal(OneTimeSecret.pin(), field: NotificationField.pin) : nil
    }
}

extension BatchSummary {
    /// The audit leaf of a batch, appended in the batch's own transaction.
    package var auditEntry: AuditEntry {
        AuditEntry(
            kind: .importBatch, recordedAt: Timestamp(iso: receivedAt) ?? Timestamp(secondsSinceEpoch: 0),
            fields: [
                "batch": String(batchID), "batch_kind": kind, "source": source,
                "file_sha256": fileSHA256, "rows": String(rows), "accepted": String(accepted),
                "rejected": String(rejected), "unchanged": String(unchanged), "events": String(events),
            ])
    }
}

/// What became of one decoded row a store tried to apply.
package enum RowOutcome {
    case unchanged
    case applied([CustodyEvent])
    case refused(TransitionError)
}

/// Counts a batch's rows into its summary, and its rejects by column and rule (never by value) for the
/// quality report, the same way in every store.
package struct BatchTally {
    package struct RejectKey: Hashable {
        package var column: String
        package var reason: String
    }

    package var summary: BatchSummary
    package private(set) var rejects: [RejectKey: Int] = [:]

    package init(_ summary: BatchSummary) { self.summary = summary }

    /// A row the decoder refused; returns the problem, to pass on.
    package mutating func count(rejected problem: RowProblem) -> RowProblem {
        summary.rows += 1
        return reject(problem)
    }

    /// A row the store tried to apply; returns its problem when the store refused it.
    package mutating func count(line: Int, _ outcome: RowOutcome) -> RowProblem? {
        summary.rows += 1
        switch outcome {
        case .unchanged:
            summary.unchanged += 1
        case .applied(let events):
            summary.accepted += 1
            summary.events += events.count
            for event in events { summary.eventsByKind[event.kind.rawValue, default: 0] += 1 }
        case .refused(let error):
            return reject(RowProblem(line: line, column: error.column, reason: error.description))
        }
        return nil
    }

    private mutating func reject(_ problem: RowProblem) -> RowProblem {
        summary.rejected += 1
        rejects[RejectKey(column: problem.column ?? "", reason: problem.reason), default: 0] += 1
        return problem
    }
}

extension Review.Kind {
    /// The outcomes a reviewer may close this kind of review with.
    package var allowedOutcomes: Set<ReviewOutcome> {
        switch self {
        case .identity: [.linked, .distinct]
        case .dispute: [.confirmed, .upheld]
        case .conflict: [.confirmed]
        }
    }
}

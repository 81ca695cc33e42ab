import Testing
@testable import VigilCore

/// The disclosure policy over every tier and every case DESIGN.md names.
@Suite struct DisclosurePolicyTests {
    static let today = CalendarDate(iso: "2026-11-25")!
    static let asOf = Timestamp(iso: "2026-11-24T12:00:00Z")!

    enum Case: String, CaseIterable, CustomTestStringConvertible {
        case absent, purged, minorAtBooking, minorToday, infant, unknownBirth, disputed, adult
        case vawa1367, tVisa, uVisa, asylumPending, victimWitness, courtSealed
        var testDescription: String { rawValue }

        var protection: Protection? {
            switch self {
            case .vawa1367: .vawa1367
            case .tVisa: .tVisa
            case .uVisa: .uVisa
            case .asylumPending: .asylumPending
            case .victimWitness: .victimWitness
            case .courtSealed: .courtSealed
            default: nil
            }
        }

        func candidate(source: String = "TXA") -> PolicyCandidate? {
            var birth: CalendarDate? = CalendarDate(iso: "1980-01-01")
            var booking = CalendarDate(iso: "2026-10-01")!
            switch self {
            case .absent: return nil
            case .minorAtBooking:  // 17 when booked two years ago, 19 today: still never disclosed
                birth = CalendarDate(iso: "2007-06-01"); booking = CalendarDate(iso: "2024-11-01")!
            case .minorToday: birth = CalendarDate(iso: "2009-12-01")
            case .infant: birth = CalendarDate(iso: "2026-03-01")
            case .unknownBirth: birth = nil
            default: break
            }
            let record = CustodyRecord(
                sourceRecordID: "BK-1", aNumber: try! ANumber(parsing: "A912345678"),
                name: PersonName(family: "Quenadril", given: "Sovel"), dateOfBirth: birth,
                countryOfBirth: try! CountryCode(parsing: "MX"), criminalHistory: .none,
                protections: protection.map { [$0] } ?? [],
                custody: CustodyState(
                    status: .inCustody, statusDate: Timestamp(iso: "2026-10-01T10:00:00Z")!, bookingDate: booking,
                    facilityCode: "FAC001", releaseReason: nil
                )
            )
            return PolicyCandidate(
                record: record, source: source, asOf: DisclosurePolicyTests.asOf, purged: self == .purged,
                disputed: self == .disputed
            )
        }
    }

    /// The expected answer, written out as a table: what each tier learns in each case.
    static func expected(_ c: Case, _ tier: AccessTier) -> (answer: String, alert: Bool) {
        let full = tier == .oversight
        switch c {
        case .absent, .purged: return ("none", false)
        case .minorAtBooking, .minorToday, .infant, .unknownBirth: return (full ? "full" : "none", false)
        case .vawa1367, .tVisa, .uVisa, .asylumPending, .victimWitness, .courtSealed:
            return (full ? "full" : "none", !full)
        case .disputed:
            switch tier {
            case .public, .agency: return ("none", false)  // the agency here is another source's
            case .victim, .advocate: return ("review", false)
            case .oversight: return ("full", false)
            }
        case .adult:
            switch tier {
            case .public, .agency: return ("basic", false)
            case .victim, .advocate: return ("victim", false)
            case .oversight: return ("full", false)
            }
        }
    }

    static func shape(_ disclosure: Disclosure) -> String {
        switch disclosure {
        case .noMatch: "none"
        case .underReview: "review"
        case .match(let custody) where custody.record != nil: "full"
        case .match(let custody) where custody.statusDate != nil: "victim"
        case .match: "basic"
        }
    }

    @Test(arguments: Case.allCases, AccessTier.allCases)
    func everyTierInEveryCase(_ c: Case, _ tier: AccessTier) {
        // An agency tier that does not own the record: the interesting case. Its own records are tested below.
        let requester = Requester(tier: tier, source: tier == .agency ? "OTHER" : nil)
        let decision = DisclosurePolicy.decide(c.candidate(), for: requester, today: Self.today)
        let want = Self.expected(c, tier)
        #expect(Self.shape(decision.disclosure) == want.answer)
        #expect((decision.alert != nil) == want.alert)
    }

    @Test(arguments: Case.allCases)
    func anAgencySeesItsOwnRecordsInFullButNothingPurged(_ c: Case) {
        let decision = DisclosurePolicy.decide(c.candidate(source: "TXA"), for: Requester(tier: .agency, source: "TXA"), today: Self.today)
        #expect(Self.shape(decision.disclosure) == (c == .absent || c == .purged ? "none" : "full"))
    }

    @Test func thePublicSeesStatusFacilityAndAsOfOnly() throws {
        let decision = DisclosurePolicy.decide(Case.adult.candidate(), for: .anonymous, today: Self.today)
        guard case .match(let custody) = decision.disclosure else { Issue.record("adult not found"); return }
        #expect(custody == DisclosedCustody(
            status: .inCustody, facilityCode: "FAC001", asOf: Self.asOf, statusDate: nil, releaseReason: nil, record: nil))
    }

    @Test func theRuleThatDecidedIsRecordedForTheAudit() {
        #expect(DisclosurePolicy.decide(nil, for: .anonymous, today: Self.today).rule == .absent)
        #expect(DisclosurePolicy.decide(Case.infant.candidate(), for: .anonymous, today: Self.today).rule == .minorOrUnknownAge)
        #expect(DisclosurePolicy.decide(Case.uVisa.candidate(), for: .anonymous, today: Self.today).rule == .protected)
        // A protected child: the minor rule decides the answer, and oversight still hears of the attempt.
        var both = Case.infant.candidate()!
        both.record.protections = [.asylumPending]
        let decision = DisclosurePolicy.decide(both, for: .anonymous, today: Self.today)
        #expect(decision.rule == .minorOrUnknownAge)
        #expect(decision.disclosure == .noMatch)
        #expect(decision.alert == .protectedRecordQueried)
    }
}

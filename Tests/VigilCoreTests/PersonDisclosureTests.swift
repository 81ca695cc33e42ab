import Testing
@testable import VigilCore

/// Multi-record people: part of ``DisclosurePolicyTests``, in a file of their own.
extension DisclosurePolicyTests {
    /// The policy decides about a person from every source's record: the most protective fact on any
    /// record decides for all of them, and only full access sees more.
    @Suite struct PersonDisclosureTests {
        static let today = CalendarDate(iso: "2026-11-25")!

        /// An adult, unflagged, in custody at FAC001: what one source reports.
        static func record(_ source: String, id: String = "BK-1", statusAt: String = "2026-10-01T10:00:00Z") -> PolicyCandidate {
            let record = CustodyRecord(
                sourceRecordID: id, aNumber: try! ANumber(parsing: "A912345678"),
                name: PersonName(family: "Quenadril", given: "Sovel"), dateOfBirth: CalendarDate(iso: "1980-01-01"),
                countryOfBirth: try! CountryCode(parsing: "MX"), criminalHistory: .none, protections: [],
                custody: CustodyState(
                    status: .inCustody, statusDate: Timestamp(iso: statusAt)!, bookingDate: CalendarDate(iso: "2026-10-01")!,
                    facilityCode: "FAC001", releaseReason: nil))
            return PolicyCandidate(record: record, source: source, asOf: Timestamp(iso: statusAt)!)
        }

        /// TXA's record carries the fact under test; AZB's newer record is unflagged.
        static func person(_ flag: (inout PolicyCandidate) -> Void) -> [PolicyCandidate] {
            var older = record("TXA", statusAt: "2026-10-01T10:00:00Z")
            flag(&older)
            return [record("AZB", id: "AZ-9", statusAt: "2026-11-20T10:00:00Z"), older]
        }

        static let protectedInOneSource = person { $0.record.protections = [.uVisa] }
        static let minorInOneSource = person { $0.record.dateOfBirth = CalendarDate(iso: "2012-05-01") }
        static let unknownAgeInOneSource = person { $0.record.dateOfBirth = nil }
        static let heldInOneSource = person { $0.disputed = true }

        @Test(arguments: [AccessTier.public, .victim, .advocate])
        func aProtectionInOneSourceHidesThePersonAndAlerts(_ tier: AccessTier) {
            let decision = DisclosurePolicy.decide(person: Self.protectedInOneSource, for: Requester(tier: tier), today: Self.today)
            #expect(decision.disclosure == .noMatch)
            #expect(decision.rule == .protected)
            #expect(decision.alert == .protectedRecordQueried)
        }

        @Test func anotherAgencyIsTreatedLikeThePublic() {
            let requester = Requester(tier: .agency, source: "NMC")
            let decision = DisclosurePolicy.decide(person: Self.protectedInOneSource, for: requester, today: Self.today)
            #expect(decision.disclosure == .noMatch)
            #expect(decision.alert == .protectedRecordQueried)
        }

        @Test(arguments: [AccessTier.public, .victim, .advocate])
        func aMinorOrUnknownAgeInOneSourceHidesThePerson(_ tier: AccessTier) {
            for person in [Self.minorInOneSource, Self.unknownAgeInOneSource] {
                let decision = DisclosurePolicy.decide(person: person, for: Requester(tier: tier), today: Self.today)
                #expect(decision.disclosure == .noMatch)
                #expect(decision.rule == .minorOrUnknownAge)
            }
        }

        @Test func aHeldRecordInOneSourceHoldsThePerson() {
            let person = Self.heldInOneSource
            #expect(DisclosurePolicy.decide(person: person, for: .anonymous, today: Self.today).disclosure == .noMatch)
            let victim = DisclosurePolicy.decide(person: person, for: Requester(tier: .victim), today: Self.today)
            #expect(victim.rule == .disputed)
            guard case .underReview = victim.disclosure else { Issue.record("a victim is not told of the review"); return }
        }

        @Test func anAgencyHoldingOneRecordSeesItsOwnRecordInFullAndNoOtherSources() throws {
            for person in [Self.protectedInOneSource, Self.minorInOneSource, Self.heldInOneSource] {
                let decision = DisclosurePolicy.decide(person: person, for: Requester(tier: .agency, source: "TXA"), today: Self.today)
                guard case .match(let custody) = decision.disclosure else { Issue.record("TXA does not see its own record"); continue }
                #expect(custody.record?.sourceRecordID == "BK-1")
                #expect(decision.alert == nil)
                #expect(decision.basis.map { person[$0].source } == "TXA")
            }
        }

        @Test func oversightSeesThePersonsCurrentRecordInFull() {
            let decision = DisclosurePolicy.decide(person: Self.protectedInOneSource, for: Requester(tier: .oversight), today: Self.today)
            guard case .match(let custody) = decision.disclosure else { Issue.record("oversight sees nothing"); return }
            #expect(custody.record?.sourceRecordID == "AZ-9")
            #expect(decision.alert == nil)
        }

        @Test func anUnflaggedPersonIsAnsweredFromTheCurrentRecord() {
            let person = [Self.record("TXA"), Self.record("AZB", id: "AZ-9", statusAt: "2026-11-20T10:00:00Z")]
            let decision = DisclosurePolicy.decide(person: person, for: .anonymous, today: Self.today)
            #expect(decision.basis == 1)
            guard case .match(let custody) = decision.disclosure else { Issue.record("adult not found"); return }
            #expect(custody.asOf == Timestamp(iso: "2026-11-20T10:00:00Z"))
            #expect(custody.record == nil)
        }

        @Test func purgedRecordsWeighNothingAndAllPurgedIsNoMatch() {
            var purged = Self.protectedInOneSource
            purged[1].purged = true
            let decision = DisclosurePolicy.decide(person: purged, for: .anonymous, today: Self.today)
            #expect(decision.rule == .allowed)
            #expect(decision.alert == nil)
            purged[0].purged = true
            #expect(DisclosurePolicy.decide(person: purged, for: .anonymous, today: Self.today).rule == .purged)
            #expect(DisclosurePolicy.decide(person: [], for: .anonymous, today: Self.today).rule == .absent)
        }
    }
}

/// A record whose policy inputs fail their keyed seal: nothing about the person can be trusted.
@Suite struct TamperedInputTests {
    typealias Person = DisclosurePolicyTests.PersonDisclosureTests

    @Test(arguments: AccessTier.allCases)
    func aTamperedRecordAnswersNoMatchToEveryTierAndAlerts(_ tier: AccessTier) {
        var person = [Person.record("AZB", id: "AZ-9"), Person.record("TXA")]
        person[1].tampered = true
        let requester = Requester(tier: tier, source: tier == .agency ? "TXA" : nil)
        let decision = DisclosurePolicy.decide(person: person, for: requester, today: Person.today)
        #expect(decision.disclosure == .noMatch)
        #expect(decision.rule == .tampered)
        #expect(decision.alert == .policyInputTampered)
    }

    @Test func aTamperedRecordThatIsPurgedWeighsNothing() {
        var person = [Person.record("AZB", id: "AZ-9"), Person.record("TXA")]
        person[1].tampered = true
        person[1].purged = true
        #expect(DisclosurePolicy.decide(person: person, for: .anonymous, today: Person.today).rule == .allowed)
    }
}

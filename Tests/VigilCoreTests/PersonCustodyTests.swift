import Testing
@testable import VigilCore

/// Multi-record people: part of ``DisclosurePolicyTests``, in a file of their own.
extension DisclosurePolicyTests {
    /// The person's custody across sources (``PersonCustody``), as a table.
    @Suite struct PersonCustodyTests {
        /// One record: status, the day its status took effect (10:00 UTC, or the hour given) and its booking day.
        struct Row {
            var status: CustodyStatus
            var statusAt: String
            var booked: String

            var state: CustodyState {
                CustodyState(
                    status: status, statusDate: Timestamp(iso: statusAt)!, bookingDate: CalendarDate(iso: booked)!,
                    facilityCode: status == .inCustody ? "FAC001" : nil,
                    releaseReason: status == .released ? .transferredToOtherAgency : nil)
            }
        }

        struct Case: CustomTestStringConvertible, Sendable {
            var name: String
            var rows: [Row]
            /// The index of the record that answers.
            var answer: Int?
            var testDescription: String { name }
        }

        static let cases: [Case] = [
            Case(name: "no records", rows: [], answer: nil),
            Case(name: "one record", rows: [Row(status: .inCustody, statusAt: "2026-10-01T10:00:00Z", booked: "2026-10-01")], answer: 0),
            // The jail released to ICE in the afternoon; ICE's booking that morning is the later custody.
            Case(name: "hand-off, booked the same day earlier in the day", rows: [
                Row(status: .released, statusAt: "2026-11-10T16:00:00Z", booked: "2026-09-01"),
                Row(status: .inCustody, statusAt: "2026-11-10T08:00:00Z", booked: "2026-11-10"),
            ], answer: 1),
            Case(name: "hand-off, booked days later", rows: [
                Row(status: .inCustody, statusAt: "2026-11-14T08:00:00Z", booked: "2026-11-14"),
                Row(status: .released, statusAt: "2026-11-10T16:00:00Z", booked: "2026-09-01"),
            ], answer: 0),
            Case(name: "a removal is superseded too", rows: [
                Row(status: .removed, statusAt: "2026-11-10T16:00:00Z", booked: "2026-09-01"),
                Row(status: .inCustody, statusAt: "2026-11-10T09:00:00Z", booked: "2026-11-10"),
            ], answer: 1),
            Case(name: "the later custody ended too: its release answers", rows: [
                Row(status: .released, statusAt: "2026-11-10T16:00:00Z", booked: "2026-09-01"),
                Row(status: .released, statusAt: "2026-11-20T12:00:00Z", booked: "2026-11-10"),
            ], answer: 1),
            Case(name: "a booking before the release does not supersede it", rows: [
                Row(status: .inCustody, statusAt: "2026-11-09T08:00:00Z", booked: "2026-11-09"),
                Row(status: .released, statusAt: "2026-11-10T16:00:00Z", booked: "2026-09-01"),
            ], answer: 1),
            Case(name: "two in custody: the newest status", rows: [
                Row(status: .inCustody, statusAt: "2026-10-01T10:00:00Z", booked: "2026-10-01"),
                Row(status: .inCustody, statusAt: "2026-11-01T10:00:00Z", booked: "2026-10-01"),
            ], answer: 1),
            Case(name: "booked and released the same day by both: the newest status", rows: [
                Row(status: .released, statusAt: "2026-11-10T12:00:00Z", booked: "2026-11-10"),
                Row(status: .released, statusAt: "2026-11-10T18:00:00Z", booked: "2026-11-10"),
            ], answer: 1),
        ]

        @Test(arguments: cases)
        func theCurrentCustody(_ c: Case) {
            #expect(PersonCustody.current(c.rows.map(\.state)) == c.answer)
        }

        @Test func theHandOffIsWhatThePublicIsTold() {
            let released = PersonDisclosureTests.record("JAIL", id: "J-1")
            var jail = released
            jail.record.custody = Row(status: .released, statusAt: "2026-11-10T16:00:00Z", booked: "2026-09-01").state
            var ice = PersonDisclosureTests.record("ICE", id: "I-1")
            ice.record.custody = Row(status: .inCustody, statusAt: "2026-11-10T08:00:00Z", booked: "2026-11-10").state
            let decision = DisclosurePolicy.decide(person: [jail, ice], for: .anonymous, today: PersonDisclosureTests.today)
            guard case .match(let custody) = decision.disclosure else { Issue.record("no answer"); return }
            #expect(custody.status == .inCustody)
            #expect(custody.facilityCode == "FAC001")
        }
    }
}

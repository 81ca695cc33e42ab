import Testing
import VigilCore
@testable import VigilFeeds

@Suite struct SyntheticPopulationTests {
    static let today = CalendarDate(iso: "2026-11-25")!
    static let population = SyntheticPopulation(people: 20_000, seed: 42, asOf: today)
    static let people = (0..<20_000).map(population.person)

    @Test func theSameSeedGivesTheSamePeopleAndAnotherSeedDoesNot() {
        let again = SyntheticPopulation(people: 20_000, seed: 42, asOf: Self.today)
        let other = SyntheticPopulation(people: 20_000, seed: 43, asOf: Self.today)
        #expect(SyntheticPopulation.row(again.person(123)) == SyntheticPopulation.row(Self.people[123]))
        #expect(SyntheticPopulation.row(other.person(123)) != SyntheticPopulation.row(Self.people[123]))
    }

    @Test func theMixIncludesThePeopleVigilMustNeverDisclose() {
        let n = Double(Self.people.count)
        func share(_ predicate: (SyntheticPopulation.Person) -> Bool) -> Double {
            Double(Self.people.filter(predicate).count) / n
        }
        let minors = share { p in p.record.dateOfBirth.map { $0.age(on: p.record.custody.bookingDate) < 18 } ?? false }
        let infants = share { p in p.record.dateOfBirth.map { $0.age(on: p.record.custody.bookingDate) < 2 } ?? false }
        let protected = share { !$0.record.protections.isEmpty }
        let unknownBirth = share { $0.record.dateOfBirth == nil }
        #expect((0.04...0.06).contains(minors))
        #expect(infants > 0.01)
        #expect((0.02...0.04).contains(protected))
        #expect((0.01...0.03).contains(unknownBirth))
        #expect(share { $0.record.custody.status == .released } > 0.1)
        #expect(share { $0.record.custody.status == .removed } > 0.03)
    }

    @Test func everyRowIsAValidFeedRowAndANumbersAreUnique() throws {
        let header = SyntheticPopulation.columns.map(\.rawValue)
        let decoder = try CustodyRowDecoder(columns: header, path: "generated")
        var aNumbers = Set<String>()
        for (i, person) in Self.people.enumerated() {
            let decoded = decoder.decode(RawRow(line: i + 2, values: SyntheticPopulation.row(person)))
            #expect(try decoded.get() == person.record)
            if let digits = person.record.aNumber?.digits {
                #expect(digits.hasPrefix("9"))
                aNumbers.insert(digits)
            }
        }
        #expect(aNumbers.count == Self.people.filter { $0.record.aNumber != nil }.count)
    }

    @Test func changesAreLegalLaterTransitionsForAboutOneInFive() throws {
        var changed = 0
        var kinds = Set<CustodyEventKind>()
        for person in Self.people {
            guard let change = Self.population.change(person.index) else { continue }
            changed += 1
            #expect(change.record.custody.statusDate > person.record.custody.statusDate)
            let events = try CustodyTransition.derive(from: person.record.custody, to: change.record.custody)
            #expect(!events.isEmpty)
            kinds.formUnion(events.map(\.kind))
        }
        #expect((0.15...0.25).contains(Double(changed) / Double(Self.people.count)))
        #expect(kinds.isSuperset(of: [.released, .transferred, .removed, .escaped, .returnedToCustody, .booked]))
    }

    @Test func facilitiesAreFictionalAndComplete() {
        let facilities = Self.population.facilities
        #expect(facilities.count == 40)
        #expect(Set(facilities.map(\.code)).count == 40)
        for facility in facilities {
            #expect(facility.phone.hasPrefix("555-01"))
            #expect(!facility.visitingInfo.isEmpty)
        }
    }
}

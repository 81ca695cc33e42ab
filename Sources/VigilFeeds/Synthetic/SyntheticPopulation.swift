import VigilCore

/// A deterministic, wholly invented population of detained people, for demos, tests and benchmarks.
///
/// No real person is ever in it: names are built from syllables, A-numbers come from the
/// 900 000 000–999 999 999 range (above any issued today), phone numbers from the 555-01xx range
/// reserved for fiction. Each person is derived from `(seed, index)` alone, so a file of any size is
/// written in flat memory and the changes feed can be computed without reading the first one back.
///
/// The mix is shaped like a real custody population, including the people Vigil must never
/// disclose: about 5% minors (a third of them infants), about 3% with a legal protection, about
/// 2% with an unknown date of birth, and releases, removals and escapes over the last year.
public struct SyntheticPopulation: Sendable {
    public let people: Int
    public let seed: UInt64
    /// The day the feed describes. Initial statuses end two days before it; changes fall within the last two days.
    public let asOf: CalendarDate
    public let facilityCount: Int

    public init(people: Int, seed: UInt64, asOf: CalendarDate, facilityCount: Int = 40) {
        self.people = people
        self.seed = seed
        self.asOf = asOf
        self.facilityCount = max(1, facilityCount)
    }

    /// One generated person, with the facts tests need to pick the right people.
    public struct Person: Sendable {
        public var index: Int
        public var record: CustodyRecord
        /// The A-number as the feed spells it (formats vary, as real feeds' do).
        public var aNumberText: String
        /// The country as the feed spells it (alpha-2, alpha-3 or an English name).
        public var countryText: String
    }

    // MARK: Facilities

    public var facilities: [Facility] {
        (0..<facilityCount).map { i in
            var rng = SplitMix64(seed: seed &+ 0xFAC1_1117 &+ UInt64(i))
            let state = Self.states[i % Self.states.count]
            // Place words all contain h, w or y, letters the person-name syllables never use:
            // no facility, street or city can spell a generated person's name.
            let place = Self.placeWords[i % Self.placeWords.count]
            let kind = ["Processing Center", "Detention Facility", "County Jail", "Service Processing Center"][i % 4]
            return Facility(
                code: Self.facilityCode(i), name: "\(place) \(kind)",
                address: "\(100 + rng.int(in: 0...8899)) \(Self.placeWords[rng.int(in: 0...(Self.placeWords.count - 1))]) Highway",
                city: Self.placeWords[(i * 7 + 3) % Self.placeWords.count] + " City", state: state,
                postalCode: String(10000 + rng.int(in: 0...89999)),
                phone: "555-01\(String(format2: rng.int(in: 0...99)))",
                visitingInfo: ["Daily 8:00–15:00, photo ID required", "Weekends 9:00–14:00 by appointment",
                               "Video visits only; book one day ahead"][i % 3]
            )
        }
    }

    static let placeWords = [
        "Ashworth", "Whitmore", "Northway", "Thornhill", "Hollybrook", "Westhaven", "Hawthorn", "Rydale",
        "Highmoor", "Larkshaw", "Bywater", "Oakhurst", "Harwick", "Elmshade", "Foxhollow", "Greyhaven",
    ]

    static func facilityCode(_ i: Int) -> String { "FAC" + String(format3: i + 1) }

    // MARK: People

    public func person(_ index: Int) -> Person {
        var rng = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15))
        let sourceRecordID = "BK-" + String(format3: index / 1_000_000) + "-" + String(format6: index % 1_000_000)

        // Identity.
        let digits = String(900_000_000 + (index &* 7_919) % 100_000_000)
        let hasANumber = rng.chance(0.96)
        let aNumberText: String = switch rng.int(in: 0...9) {
        case 0: "A-\(digits.prefix(3))-\(digits.dropFirst(3).prefix(3))-\(digits.suffix(3))"
        case 1: "a\(digits)"
        default: "A\(digits)"
        }
        let name = PersonName(family: familyName(&rng), given: Self.capitalized(rng.syllables(2...3)))
        let (country, countryText) = countryOfBirth(&rng)

        // Booking and age: about 5% minors, a third of them infants; about 2% unknown birth date.
        let bookingDate = asOf.adding(days: -(2 + rng.int(in: 0...400)))
        let age: Int
        let ageDraw = rng.double()
        if ageDraw < 0.017 { age = rng.int(in: 0...1) } else if ageDraw < 0.05 { age = rng.int(in: 2...17) } else {
            age = rng.int(in: 18...70)
        }
        let birth = bookingDate.adding(days: -(age * 365 + rng.int(in: 0...364)))
        let unknownBirth = hasANumber && rng.chance(0.02)

        // Custody.
        let statusDraw = rng.double()
        let status: CustodyStatus =
            statusDraw < 0.72 ? .inCustody : statusDraw < 0.90 ? .released : statusDraw < 0.985 ? .removed
            : statusDraw < 0.997 ? .escaped : .deceased
        let facility = Self.facilityCode(rng.int(in: 0...(facilityCount - 1)))
        let lastDay = asOf.adding(days: -2)
        let statusDay = status == .inCustody
            ? bookingDate
            : bookingDate.adding(days: rng.int(in: 0...max(0, lastDay.dayNumber - bookingDate.dayNumber)))
        let statusDate = timestamp(statusDay, &rng)

        let history: CriminalHistory = switch rng.double() {
        case ..<0.60: .none
        case ..<0.75: .pendingCharges
        case ..<0.88: .convictedNonviolent
        case ..<0.95: .convictedViolent
        default: .unknown
        }
        var protections = Set<Protection>()
        if rng.chance(0.03) {
            protections.insert(Protection.allCases[rng.int(in: 0...(Protection.allCases.count - 1))])
            if rng.chance(0.2) { protections.insert(.asylumPending) }
        }

        let record = CustodyRecord(
            sourceRecordID: sourceRecordID, aNumber: hasANumber ? try! ANumber(parsing: digits) : nil, name: name,
            dateOfBirth: unknownBirth ? nil : birth, countryOfBirth: country, criminalHistory: history,
            protections: protections,
            custody: CustodyState(
                status: status, statusDate: statusDate, bookingDate: bookingDate,
                facilityCode: status == .inCustody ? facility : nil,
                releaseReason: status == .released ? Self.releaseReason(&rng) : nil
            )
        )
        return Person(index: index, record: record, aNumberText: hasANumber ? aNumberText : "", countryText: countryText)
    }

    /// The later state of about one person in five: releases, transfers, removals, escapes and
    /// returns, all legal transitions from `person(index)`, dated within the last two days.
    public func change(_ index: Int) -> Person? {
        var person = person(index)
        var rng = SplitMix64(seed: seed ^ 0xC4A9_6E5 ^ (UInt64(truncatingIfNeeded: index) &* 0xBF58_476D_1CE4_E5B9))
        guard rng.chance(0.2) else { return nil }
        var custody = person.record.custody
        let when = timestamp(asOf.adding(days: -rng.int(in: 0...1)), &rng)
        switch custody.status {
        case .inCustody:
            let draw = rng.double()
            if draw < 0.60 {
                custody.status = .released
                custody.releaseReason = Self.releaseReason(&rng)
                custody.facilityCode = nil
            } else if draw < 0.85 {
                let current = custody.facilityCode ?? Self.facilityCode(0)
                var next = current
                if facilityCount > 1 {
                    while next == current { next = Self.facilityCode(rng.int(in: 0...(facilityCount - 1))) }
                }
                custody.facilityCode = next
            } else if draw < 0.97 {
                custody.status = .removed
                custody.facilityCode = nil
            } else {
                custody.status = .escaped
                custody.facilityCode = nil
            }
        case .escaped:
            custody.status = .inCustody
            custody.facilityCode = Self.facilityCode(rng.int(in: 0...(facilityCount - 1)))
        case .released, .removed:
            guard rng.chance(0.1) else { return nil }
            custody.status = .inCustody
            custody.bookingDate = when.utcDate
            custody.releaseReason = nil
            custody.facilityCode = Self.facilityCode(rng.int(in: 0...(facilityCount - 1)))
        case .deceased:
            return nil
        }
        custody.statusDate = when
        person.record.custody = custody
        return person
    }

    /// The feed v1 columns in the order the generator writes them.
    public static let columns: [FeedColumn] = [
        .sourceRecordID, .aNumber, .familyName, .givenName, .dateOfBirth, .countryOfBirth, .bookingDate, .status,
        .statusDate, .facilityCode, .releaseReason, .criminalHistory, .protections,
    ]

    /// A person as a feed v1 row, in ``columns`` order.
    public static func row(_ person: Person) -> [String] {
        let r = person.record
        return [
            r.sourceRecordID, person.aNumberText, r.name.family, r.name.given, r.dateOfBirth?.description ?? "",
            person.countryText, r.custody.bookingDate.description, r.custody.status.rawValue,
            offsetForm(r.custody.statusDate), r.custody.facilityCode ?? "", r.custody.releaseReason?.rawValue ?? "",
            r.criminalHistory.rawValue, Protection.format(r.protections),
        ]
    }

    // MARK: Pieces

    private func familyName(_ rng: inout SplitMix64) -> String {
        var name = Self.capitalized(rng.syllables(2...3))
        if rng.chance(0.25) { name += (rng.chance(0.5) ? " " : "-") + Self.capitalized(rng.syllables(2...3)) }
        if rng.chance(0.04) { name = "de la " + name }
        if rng.chance(0.15) { name = Self.accented(name, &rng) }
        return name
    }

    private func countryOfBirth(_ rng: inout SplitMix64) -> (CountryCode, String) {
        let draw = rng.double()
        var cumulative = 0.0
        var chosen = Self.countries[Self.countries.count - 1]
        for entry in Self.countries {
            cumulative += entry.weight
            if draw < cumulative { chosen = entry; break }
        }
        let code = try! CountryCode(parsing: chosen.alpha2)
        let spelling: String = switch rng.int(in: 0...19) {
        case 0: chosen.alpha3
        case 1: code.englishName
        default: chosen.alpha2
        }
        return (code, spelling)
    }

    private func timestamp(_ day: CalendarDate, _ rng: inout SplitMix64) -> Timestamp {
        let offsetHours = rng.int(in: 5...8)  // US time zones, as a local time with its offset
        let local = Int64(day.dayNumber) * 86_400 + Int64(rng.int(in: 6 * 3600...20 * 3600))
        return Timestamp(secondsSinceEpoch: local + Int64(offsetHours * 3600))
    }

    /// `2026-03-01T14:05:00-05:00`: feeds send local times with their offset.
    static func offsetForm(_ t: Timestamp) -> String {
        let offset = 5 * 3600
        let local = Timestamp(secondsSinceEpoch: t.secondsSinceEpoch - Int64(offset))
        return String(local.description.dropLast()) + "-05:00"
    }

    private static func releaseReason(_ rng: inout SplitMix64) -> ReleaseReason {
        let reasons: [ReleaseReason] = [.bond, .bond, .parole, .orderOfSupervision, .orderOfRecognizance,
                                        .sentenceComplete, .chargesDismissed, .transferredToOtherAgency, .other]
        return reasons[rng.int(in: 0...(reasons.count - 1))]
    }

    private static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    private static func accented(_ text: String, _ rng: inout SplitMix64) -> String {
        var out = ""
        var done = false
        for c in text {
            if !done, rng.chance(0.3), let accent = ["a": "á", "e": "é", "o": "ó", "n": "ñ", "u": "ü"][c] {
                out.append(accent)
                done = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    static let states = ["TX", "CA", "AZ", "NM", "LA", "GA", "FL", "NY", "NJ", "WA", "CO", "PA"]

    static let countries: [(alpha2: String, alpha3: String, weight: Double)] = [
        ("MX", "MEX", 0.34), ("GT", "GTM", 0.14), ("HN", "HND", 0.12), ("SV", "SLV", 0.07), ("VE", "VEN", 0.05),
        ("CO", "COL", 0.04), ("EC", "ECU", 0.04), ("NI", "NIC", 0.03), ("CU", "CUB", 0.03), ("HT", "HTI", 0.02),
        ("IN", "IND", 0.02), ("CN", "CHN", 0.02), ("BR", "BRA", 0.02), ("DO", "DOM", 0.02), ("PE", "PER", 0.01),
        ("RO", "ROU", 0.01), ("MR", "MRT", 0.01), ("SN", "SEN", 0.01),
    ]
}

/// The generator's random source: ``SeededGenerator`` (SplitMix64) with the helpers synthetic data needs.
struct SplitMix64: RandomNumberGenerator {
    private var base: SeededGenerator
    init(seed: UInt64) { base = SeededGenerator(seed: seed) }

    mutating func next() -> UInt64 { base.next() }

    mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func double() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func chance(_ p: Double) -> Bool { double() < p }

    private static let onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "qu", "br", "tr"]
    private static let vowels = ["a", "e", "i", "o", "u", "ai", "ei", "ou"]
    private static let codas = ["", "", "", "n", "r", "s", "l", "z"]

    /// An invented word of the given number of syllables.
    mutating func syllables(_ count: ClosedRange<Int>) -> String {
        var word = ""
        for _ in 0..<int(in: count) {
            word += Self.onsets[int(in: 0...(Self.onsets.count - 1))]
            word += Self.vowels[int(in: 0...(Self.vowels.count - 1))]
            word += Self.codas[int(in: 0...(Self.codas.count - 1))]
        }
        return word
    }
}

extension String {
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
    init(format3 value: Int) { self = Self.padded(value, 3) }
    init(format6 value: Int) { self = Self.padded(value, 6) }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}

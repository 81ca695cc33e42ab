import VigilCore
import VigilStore

/// Custody records handed to a store from memory, numbered as lines 2, 3, … of a feed.
public final class InMemoryRows: DecodedRowSource {
    private var rows: [CustodyRecord]
    private var line = 1

    public init(_ rows: [CustodyRecord]) { self.rows = rows.reversed() }

    public func next() throws -> DecodedRow? {
        guard let row = rows.popLast() else { return nil }
        line += 1
        return .record(line: line, row)
    }
}

/// An invented adult, in custody or released, with an A-number from the synthetic 9xx range.
public func syntheticAdult(_ index: Int, released: Bool = false) -> CustodyRecord {
    let booking = CalendarDate(iso: "2026-10-01")!
    return CustodyRecord(
        sourceRecordID: "BK-\(index)", aNumber: try! ANumber(parsing: String(950_000_000 + index)),
        name: PersonName(family: "Quorvel\(index)", given: "Tamsin"), dateOfBirth: CalendarDate(iso: "1981-02-03"),
        countryOfBirth: try! CountryCode(parsing: "GT"), criminalHistory: .none, protections: [],
        custody: CustodyState(
            status: released ? .released : .inCustody,
            statusDate: Timestamp(iso: released ? "2026-11-20T15:00:00Z" : "2026-10-01T12:00:00Z")!,
            bookingDate: booking, facilityCode: released ? nil : "FAC001", releaseReason: released ? .bond : nil)
    )
}

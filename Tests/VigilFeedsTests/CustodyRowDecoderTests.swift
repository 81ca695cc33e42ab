import Testing
import VigilCore
@testable import VigilFeeds

@Suite struct CustodyRowDecoderTests {
    static let header = SyntheticPopulation.columns.map(\.rawValue)
    let decoder = try! CustodyRowDecoder(columns: header, path: "feed.csv")

    /// A valid, invented row; each test overrides one column.
    func row(_ overrides: [FeedColumn: String] = [:], line: Int = 5) -> RawRow {
        var values: [FeedColumn: String] = [
            .sourceRecordID: "BK-1", .aNumber: "A912345678", .familyName: "Quenadril Sorvat", .givenName: "Mirel",
            .dateOfBirth: "1990-05-17", .countryOfBirth: "GTM", .bookingDate: "2026-02-01", .status: "in_custody",
            .statusDate: "2026-02-01T09:30:00-06:00", .facilityCode: "FAC002", .releaseReason: "",
            .criminalHistory: "pending_charges", .protections: "",
        ]
        for (key, value) in overrides { values[key] = value }
        return RawRow(line: line, values: Self.header.map { values[FeedColumn(rawValue: $0)!] })
    }

    @Test func aValidRowDecodesNormalised() throws {
        let record = try decoder.decode(row([.protections: "u_visa; asylum_pending"])).get()
        #expect(record.aNumber?.digits == "912345678")
        #expect(record.countryOfBirth.alpha2 == "GT")
        #expect(record.custody.statusDate == Timestamp(iso: "2026-02-01T15:30:00Z"))
        #expect(record.protections == [.uVisa, .asylumPending])
        #expect(record.criminalHistory == .pendingCharges)
    }

    @Test(arguments: [
        (FeedColumn.sourceRecordID, ""),
        (.aNumber, "A12"),
        (.aNumber, "B912345678"),
        (.familyName, "  "),
        (.dateOfBirth, "17/05/1990"),
        (.dateOfBirth, "2026-02-02"),  // after booking
        (.countryOfBirth, "Atlantis"),
        (.bookingDate, "2026-02-30"),
        (.status, "paroled"),
        (.statusDate, "2026-02-01T09:30:00"),  // no offset
        (.statusDate, "2026-01-01T09:30:00Z"),  // before booking
        (.facilityCode, ""),  // in custody needs one
        (.releaseReason, "bond"),  // only when released
        (.criminalHistory, "criminal_alien"),
        (.protections, "vawa_1367;diplomat"),
    ])
    func eachBadValueIsRejectedOnItsColumnWithoutRepeatingIt(column: FeedColumn, value: String) {
        guard case .failure(let problem) = decoder.decode(row([column: value], line: 42)) else {
            Issue.record("\(column.rawValue) accepted a bad value")
            return
        }
        #expect(problem.line == 42)
        #expect(problem.column == column.rawValue)
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.count > 3 { #expect(!problem.reason.contains(trimmed)) }
    }

    @Test func aReleasedRowNeedsAReasonAndMayOmitTheFacility() throws {
        let released = row([.status: "released", .facilityCode: "", .releaseReason: "order_of_supervision"])
        #expect(try decoder.decode(released).get().custody.releaseReason == .orderOfSupervision)
        guard case .failure(let problem) = decoder.decode(row([.status: "released", .releaseReason: ""])) else {
            Issue.record("a release without a reason was accepted")
            return
        }
        #expect(problem.column == "release_reason")
    }

    @Test func aPersonWithoutANumberNeedsADateOfBirth() throws {
        #expect(try decoder.decode(row([.aNumber: ""])).get().aNumber == nil)
        guard case .failure(let problem) = decoder.decode(row([.aNumber: "", .dateOfBirth: ""])) else {
            Issue.record("an unidentifiable row was accepted")
            return
        }
        #expect(problem.column == "a_number")
        // An unknown birth date alone is fine: the record is simply never disclosed below agency tier.
        #expect(try decoder.decode(row([.dateOfBirth: ""])).get().dateOfBirth == nil)
    }

    @Test func aHeaderWithoutRequiredColumnsIsAFileError() {
        #expect(throws: FeedSchemaError(path: "f.csv", missingColumns: ["status", "status_date"])) {
            try CustodyRowDecoder(columns: Self.header.filter { !$0.hasPrefix("status") }, path: "f.csv")
        }
    }

    @Test func unknownColumnsAreNamedAndOptionalOnesMayBeAbsent() throws {
        let columns = FeedColumn.required.map(\.rawValue) + ["ssn", "notes"]
        let decoder = try CustodyRowDecoder(columns: columns, path: "f.csv")
        #expect(decoder.unknownColumns == ["ssn", "notes"])
    }

    @Test func aReaderProblemPassesThrough() {
        let problem = RowProblem(line: 9, column: nil, reason: "has 12 fields, the header has 13")
        guard case .failure(let passed) = decoder.decode(RawRow(problem: problem)) else {
            Issue.record("a broken row decoded")
            return
        }
        #expect(passed == problem)
    }
}

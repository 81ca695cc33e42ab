import Foundation
import Testing

/// End-to-end: the commands a user types, against the built executable.
@Suite struct ImportCommandTests {
    @Test func generatedFeedImportsWhollyAndASecondImportChangesNothing() throws {
        let work = try WorkDirectory()
        let generated = try work.vigil("generate", "--people", "3000", "--seed", "7", "--output", "data", "--changes")
        #expect(generated.status == 0, "\(generated.stderr)")

        let facilities = try work.vigil("facilities", "import", "data/facilities.csv", "--json")
        #expect(facilities.status == 0, "\(facilities.stderr)")

        let first = try work.vigil("import", "data/feed.csv", "--source", "TXA", "--json")
        #expect(first.status == 0, "\(first.stderr)")
        let firstJSON = try first.json()
        #expect(firstJSON["rows"] as? Int == 3000)
        #expect(firstJSON["accepted"] as? Int == 3000)
        #expect(firstJSON["rejected"] as? Int == 0)
        #expect(firstJSON["unchanged"] as? Int == 0)
        #expect(firstJSON["events"] as? Int == 3000)  // one first-sighting event per record

        let second = try work.vigil("import", "data/feed.csv", "--source", "TXA", "--json")
        let secondJSON = try second.json()
        #expect(secondJSON["accepted"] as? Int == 0)
        #expect(secondJSON["unchanged"] as? Int == 3000)
        #expect(secondJSON["events"] as? Int == 0)

        let changes = try work.vigil("import", "data/feed-changes.csv", "--source", "TXA", "--json")
        let changesJSON = try changes.json()
        let changeRows = try #require(changesJSON["rows"] as? Int)
        #expect(changeRows > 300)
        #expect(changesJSON["accepted"] as? Int == changeRows)
        #expect(changesJSON["rejected"] as? Int == 0)
        let kinds = try #require(changesJSON["events_by_kind"] as? [String: Int])
        #expect(kinds["released", default: 0] > 0)
        #expect(kinds["transferred", default: 0] > 0)
    }

    @Test func brokenRowsAreReportedByLineAndTheValidRowsStillImport() throws {
        let work = try WorkDirectory()
        try work.vigil("generate", "--people", "20", "--seed", "3", "--output", "data")
        // The writer ends lines with CRLF, which Swift reads as one Character: split on any newline.
        var lines = try work.read("data/feed.csv").split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        // Break three rows, each a different way (line numbers are 1-based and count the header).
        var fields = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[7] = "on_vacation"  // the status column
        lines[3] = fields.joined(separator: ",")
        lines[7] = "BK-broken,A12,Tovrel,Mazun,1980-01-01,MX,2026-01-01,in_custody,2026-01-01T10:00:00Z,FAC001,,none,"
        lines[11] = "BK-late,A911111111,Tovrel,Mazun,1980-02-30,MX,2026-01-01,in_custody,2026-01-01T10:00:00Z,FAC001,,none,"
        try work.write("data/broken.csv", lines.joined(separator: "\n"))

        let result = try work.vigil("import", "data/broken.csv", "--source", "TXA", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["rejected"] as? Int == 3)
        #expect(json["accepted"] as? Int == 17)
        let problems = try #require(json["problems"] as? [[String: Any]])
        #expect(problems.map { $0["line"] as? Int } == [4, 8, 12])
        #expect(problems.map { $0["column"] as? String } == ["status", "a_number", "date_of_birth"])

        let rejects = try work.read("data/broken.csv.rejects.csv")
        let rejectLines = rejects.split(whereSeparator: \.isNewline)
        #expect(rejectLines.count == 4)
        #expect(rejectLines[0].hasPrefix("line,column,reason,source_record_id"))
        #expect(rejectLines[2].hasPrefix("8,a_number,"))
        // Reasons say what is wrong without repeating the value.
        for problem in problems { #expect(!(problem["reason"] as? String ?? "").contains("A12")) }
    }

    @Test func aFileThatCannotBeReadExitsNonZeroWithAClearMessage() throws {
        let work = try WorkDirectory()
        let missing = try work.vigil("import", "nowhere.csv", "--source", "TXA")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nowhere.csv"))

        try work.write("empty.csv", "")
        let empty = try work.vigil("import", "empty.csv", "--source", "TXA")
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("empty.csv"))

        try work.write("wrong.csv", "id,name\n1,x\n")
        let wrongHeader = try work.vigil("import", "wrong.csv", "--source", "TXA")
        #expect(wrongHeader.status != 0)
        #expect(wrongHeader.stderr.contains("status_date"))
    }

    @Test func theDatabaseFileHoldsNoPlaintextPersonalData() throws {
        let work = try WorkDirectory()
        try work.vigil("generate", "--people", "500", "--seed", "11", "--output", "data")
        #expect(try work.vigil("import", "data/feed.csv", "--source", "TXA").status == 0)

        var onDisk = Data()
        for suffix in ["", "-wal", "-audit", "-audit-wal"] where FileManager.default.fileExists(atPath: work.path("vigil.sqlite" + suffix)) {
            onDisk.append(try Data(contentsOf: URL(fileURLWithPath: work.path("vigil.sqlite" + suffix))))
        }
        let feed = try work.read("data/feed.csv").split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        var checked = 0
        // Every row: facility names cannot spell a person's name and booking dates are stored as day
        // numbers, so any hit would be a real leak, not a coincidence.
        for fields in feed {
            let aNumberDigits = fields[1].filter(\.isNumber)
            for value in [fields[2], fields[3], fields[4]].map(String.init) + [aNumberDigits] where value.count >= 6 {
                #expect(onDisk.range(of: Data(value.utf8)) == nil, "plaintext found in the database")
                checked += 1
            }
        }
        #expect(checked > 1000)
    }

    @Test func keysInitRefusesToOverwriteAKeyring() throws {
        let work = try WorkDirectory()
        #expect(try work.vigil("keys", "init", "--keyring", "k.json").status == 0)
        let again = try work.vigil("keys", "init", "--keyring", "k.json")
        #expect(again.status != 0)
        #expect(again.stderr.contains("refusing to overwrite"))
        #expect(try work.vigil("keys", "rotate", "--keyring", "k.json").status == 0)
    }
}

@Suite struct AccountCommandTests {
    @Test func anAgencyAccountOwnsTheSourceNamedLikeItUnlessToldOtherwise() throws {
        let work = try WorkDirectory()
        let plain = try work.vigil("accounts", "create", "--role", "agency", "--name", "TXA", "--json")
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect((try plain.json()["token"] as? String)?.hasPrefix("vgl_") == true)
        let table = try work.vigil("accounts", "create", "--role", "agency", "--name", "Texas office", "--source", "TXA")
        #expect(table.stdout.contains("owning source TXA"))
        let refused = try work.vigil("accounts", "create", "--role", "oversight", "--name", "Privacy", "--source", "TXA")
        #expect(refused.status != 0)
    }
}

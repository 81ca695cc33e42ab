import Foundation
import Testing
@testable import VigilFeeds

@Suite("CSV reader")
struct CSVRowReaderTests {
    let dir: FixtureDirectory
    init() throws { dir = try FixtureDirectory() }

    func reader(_ text: String, chunkSize: Int = 256 * 1024) throws -> CSVRowReader {
        try CSVRowReader(path: dir.file("feed.csv", text), chunkSize: chunkSize)
    }

    // MARK: Header and records

    @Test func headerNamesAreTrimmedAndLowerCased() throws {
        let reader = try reader("  Record_ID , Family Name,\tGIVEN \nR-1,Quillfeather,Ona\n")
        #expect(reader.columns == ["record_id", "family name", "given"])
        #expect(try readAll(reader) == [row(2, ["R-1", "Quillfeather", "Ona"])])
    }

    @Test func quotedHeaderNamesAreTrimmedToo() throws {
        let reader = try reader("\" Id \",\"Note, short\"\n1,x\n")
        #expect(reader.columns == ["id", "note, short"])
    }

    @Test func headerOnlyFileHasNoRows() throws {
        let reader = try reader("id,name\r\n")
        #expect(reader.columns == ["id", "name"])
        #expect(try reader.next() == nil)
        #expect(reader.bytesRead == reader.fileSize)
    }

    @Test func invalidUTF8IsCaughtWhereverItIs() throws {
        // Stray continuation byte, overlong encoding, UTF-16 surrogate, truncated sequence.
        for bad: [UInt8] in [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE6, 0x9D]] {
            let bytes = Array("a,b\nok,".utf8) + bad + Array("\n".utf8)
            let rows = try readAll(CSVRowReader(path: dir.file("bad.csv", bytes: bytes)))
            #expect(rows.count == 1)
            #expect(rows[0].problem == RowProblem(line: 2, column: "b", reason: rows[0].problem?.reason ?? ""))
        }
        // A real U+FFFD is valid text.
        #expect(try readAll(reader("a\n\u{FFFD}\n")) == [row(2, ["\u{FFFD}"])])
    }

    @Test func valuesAreKeptAsWritten() throws {
        // Spaces around unquoted values are data; the reader does not interpret fields.
        let rows = try readAll(reader("a,b,c\n x , y ,\n,,\n"))
        #expect(rows == [row(2, [" x ", " y ", ""]), row(3, ["", "", ""])])
    }

    @Test func lineFeedAndCRLFLineEndings() throws {
        let expected = [row(2, ["1", "Tamsin"]), row(3, ["2", "Orrin"])]
        #expect(try readAll(reader("id,name\n1,Tamsin\n2,Orrin\n")) == expected)
        #expect(try readAll(reader("id,name\r\n1,Tamsin\r\n2,Orrin\r\n")) == expected)
        #expect(try readAll(reader("id,name\r\n1,Tamsin\n2,Orrin")) == expected)  // mixed, no final line end
        #expect(try readAll(reader("id,name\r\n1,Tamsin\r\n2,Orrin\r")) == expected)  // CR at end of file
    }

    @Test func loneCarriageReturnOutsideQuotesIsData() throws {
        #expect(try readAll(reader("a,b\nx\ry,z\n")) == [row(2, ["x\ry", "z"])])
    }

    @Test func quotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let text = [
            "id,note,city",
            "1,\"Pell, Ada\",Brindlemoor",
            "2,\"she said \"\"hello\"\"\",\"\"",
            "3,\"first line",
            "second line\r",
            "third line\",Ashgrove",
            "4,\"lone\rCR\",\"\"\"\"",
            "5,x,y",
        ].joined(separator: "\n") + "\n"
        let rows = try readAll(reader(text))
        #expect(rows == [
            row(2, ["1", "Pell, Ada", "Brindlemoor"]),
            row(3, ["2", "she said \"hello\"", ""]),
            row(4, ["3", "first line\nsecond line\r\nthird line", "Ashgrove"]),
            row(7, ["4", "lone\rCR", "\""]),
            row(8, ["5", "x", "y"]),
        ])
    }

    @Test func quotedFieldsInCRLFFileKeepTheirLineBreaks() throws {
        let rows = try readAll(reader("a,b\r\n\"x\r\ny\",z\r\nq,r\r\n"))
        #expect(rows == [row(2, ["x\r\ny", "z"]), row(4, ["q", "r"])])
    }

    @Test func blankLinesAreSkippedAndStillCounted() throws {
        let text = "a,b\n\n1,2\r\n\r\n   \n\t\n3,4\n\n"
        #expect(try readAll(reader(text)) == [row(3, ["1", "2"]), row(7, ["3", "4"])])
    }

    @Test func oneColumnFileKeepsQuotedEmptyValues() throws {
        let rows = try readAll(reader("code\nK7\n\"\"\n\n\" \"\nM2"))
        #expect(rows == [row(2, ["K7"]), row(3, [""]), row(5, [" "]), row(6, ["M2"])])
    }

    @Test func unicodeValuesSurvive() throws {
        let rows = try readAll(reader("name,place\nZoë Ørsted,\"Kyōto, 東京\"\n👩‍⚕️,é\n"))
        #expect(rows == [row(2, ["Zoë Ørsted", "Kyōto, 東京"]), row(3, ["👩‍⚕️", "é"])])
    }

    @Test func utf8ByteOrderMarkIsSkipped() throws {
        let path = try dir.file("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("Id,Name\n1,Wren\n".utf8))
        let reader = try CSVRowReader(path: path)
        #expect(reader.columns == ["id", "name"])
        #expect(try readAll(reader) == [row(2, ["1", "Wren"])])
    }

    // MARK: Row problems

    @Test func wrongFieldCountIsAProblemAndReadingGoesOn() throws {
        let rows = try readAll(reader("a,b,c\n1,2\n1,2,3,4\n\"x,y\",2,3\n5,6,7\n"))
        #expect(rows.count == 4)
        #expect(rows[0].problem == RowProblem(line: 2, column: nil, reason: rows[0].problem?.reason ?? ""))
        #expect(rows[0].problem?.reason.hasPrefix("the record has 2 fields, the header has 3") == true)
        #expect(rows[0].values.isEmpty)
        #expect(rows[1].problem?.line == 3)
        #expect(rows[1].problem?.reason.hasPrefix("the record has 4 fields, the header has 3") == true)
        #expect(rows[2] == row(4, ["x,y", "2", "3"]))
        #expect(rows[3] == row(5, ["5", "6", "7"]))
    }

    @Test func singleFieldCountIsSingular() throws {
        let rows = try readAll(reader("a,b\nVessamy\n"))
        #expect(rows[0].problem?.reason.hasPrefix("the record has 1 field, the header has 2") == true)
    }

    @Test func quoteInsideUnquotedFieldNamesTheColumn() throws {
        let rows = try readAll(reader("id,nickname,city\n1,Bo\"bby,Fenwick\n2,Cal,Dunmore\n"))
        #expect(rows.count == 2)
        #expect(rows[0].line == 2)
        #expect(rows[0].values.isEmpty)
        #expect(rows[0].problem?.line == 2)
        #expect(rows[0].problem?.column == "nickname")
        #expect(rows[0].problem?.reason.contains("double quote") == true)
        #expect(rows[1] == row(3, ["2", "Cal", "Dunmore"]))
    }

    @Test func charactersAfterClosingQuoteNameTheColumn() throws {
        let rows = try readAll(reader("id,nickname,city\n1,\"Bobby\"Jr,Fenwick\n2,\"Cal\"\r3,x\n4,y,z\n"))
        #expect(rows.count == 3)
        #expect(rows[0].problem?.line == 2)
        #expect(rows[0].problem?.column == "nickname")
        #expect(rows[0].problem?.reason.contains("closing double quote") == true)
        // A CR after a closing quote that is not followed by LF is also stray.
        #expect(rows[1].problem?.line == 3)
        #expect(rows[1].problem?.column == "nickname")
        #expect(rows[2] == row(4, ["4", "y", "z"]))
    }

    @Test func unterminatedQuoteStopsOnTheLineTheRecordStarted() throws {
        let rows = try readAll(reader("id,note\n1,ok\n2,\"never closed\n3,lost\n4,lost too\n"))
        #expect(rows.count == 2)
        #expect(rows[0] == row(2, ["1", "ok"]))
        #expect(rows[1].problem?.line == 3)
        #expect(rows[1].problem?.column == "note")
        #expect(rows[1].problem?.reason.contains("never closed") == true)
    }

    @Test func readerReturnsNilAfterUnterminatedQuote() throws {
        let reader = try reader("id,note\n2,\"open\n")
        #expect(try reader.next()?.problem?.line == 2)
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func invalidUTF8FieldNamesTheColumn() throws {
        let bytes = Array("id,name,city\n1,".utf8) + [0x4D, 0xFC, 0x6C] + Array(",Harlow\n2,Ines,Tolland\n".utf8)
        let rows = try readAll(CSVRowReader(path: dir.file("latin1.csv", bytes: bytes)))
        #expect(rows.count == 2)
        #expect(rows[0].problem == RowProblem(line: 2, column: "name", reason: rows[0].problem?.reason ?? ""))
        #expect(rows[0].problem?.reason.contains("UTF-8") == true)
        #expect(rows[1] == row(3, ["2", "Ines", "Tolland"]))
    }

    @Test func overlongFieldIsAProblemNotUnboundedMemory() throws {
        let long = String(repeating: "k", count: 300)
        let reader = try CSVRowReader(
            path: dir.file("long.csv", "a,b\n1,\"\(long)\"\n2,\(long)\n3,ok\n"), chunkSize: 64, maxFieldBytes: 100)
        let rows = try readAll(reader)
        #expect(rows.count == 3)
        #expect(rows[0].problem?.line == 2)
        #expect(rows[0].problem?.column == "b")
        #expect(rows[1].problem?.line == 3)
        #expect(rows[2] == row(4, ["3", "ok"]))
    }

    @Test func problemReasonsNeverContainTheValue() throws {
        let secret = "Xandrovelle"
        let text = [
            "id,name,city",
            "1,\(secret)",  // field count
            "2,\(secret)\"q,c",  // quote in unquoted field
            "3,\"\(secret)\"\(secret),c",  // after closing quote
            "4,b,\"\(secret)",  // unterminated
        ].joined(separator: "\n")
        let rows = try readAll(reader(text))
        #expect(rows.count == 4)
        for row in rows {
            let problem = try #require(row.problem)
            #expect(!problem.reason.contains(secret))
            #expect(!problem.description.contains(secret))
            #expect(!row.description.contains(secret))
        }
        let bad = try readAll(CSVRowReader(path: dir.file("bad.csv", bytes: Array("a\n\(secret)".utf8) + [0xFF])))
        #expect(bad.count == 1)
        #expect(bad[0].problem?.reason.contains(secret) == false)
    }

    @Test func rowDescriptionRedactsValues() throws {
        let rows = try readAll(reader("name\nPemberly\n"))
        #expect(!rows[0].description.contains("Pemberly"))
    }

    // MARK: Whole-file errors

    @Test func emptyFile() throws {
        let path = try dir.file("empty.csv", "")
        #expect(throws: FeedFileError.empty(path: path)) { try CSVRowReader(path: path) }
        let bomOnly = try dir.file("bom.csv", bytes: [0xEF, 0xBB, 0xBF])
        #expect(throws: FeedFileError.empty(path: bomOnly)) { try CSVRowReader(path: bomOnly) }
    }

    @Test func onlyBlankLinesOrBlankFirstLineIsMissingHeader() throws {
        for text in ["\n\n\n", "\r\n", "  \n", "\nid,name\n1,x\n"] {
            let path = try dir.file("blank.csv", text)
            #expect(throws: FeedFileError.missingHeader(path: path)) { try CSVRowReader(path: path) }
        }
    }

    @Test func headerWithEmptyOrBrokenColumnIsMissingHeader() throws {
        for text in ["id,,name\n", "id, ,name\n", "id,name,\n", "id,na\"me\n", "\"id\"x,name\n", "\"id,name\n"] {
            let path = try dir.file("header.csv", text)
            #expect(throws: FeedFileError.missingHeader(path: path)) { try CSVRowReader(path: path) }
        }
    }

    @Test func duplicateColumnAfterNormalising() throws {
        let path = try dir.file("dup.csv", "id,Name, NAME \n")
        #expect(throws: FeedFileError.duplicateColumn(path: path, column: "name")) { try CSVRowReader(path: path) }
    }

    @Test(arguments: [
        ([0xFF, 0xFE] as [UInt8], "UTF-16 (little-endian)"),
        ([0xFE, 0xFF], "UTF-16 (big-endian)"),
        ([0xFF, 0xFE, 0x00, 0x00], "UTF-32 (little-endian)"),
        ([0x00, 0x00, 0xFE, 0xFF], "UTF-32 (big-endian)"),
    ])
    func wideByteOrderMarksAreUnsupported(bom: [UInt8], encoding: String) throws {
        let body = Array("i\0d\0\n\0".utf8)
        let path = try dir.file("wide.csv", bytes: bom + body)
        #expect(throws: FeedFileError.unsupportedEncoding(path: path, encoding: encoding)) {
            try CSVRowReader(path: path)
        }
    }

    @Test func headerThatIsNotUTF8IsUnsupportedEncoding() throws {
        let path = try dir.file("latin1.csv", bytes: [0x6E, 0x61, 0x6D, 0xE9, 0x0A, 0x78, 0x0A])  // "namé" in Latin-1
        #expect(throws: FeedFileError.unsupportedEncoding(path: path, encoding: "unknown")) {
            try CSVRowReader(path: path)
        }
        let utf16 = try dir.file("utf16.csv", bytes: Array("i\0d\0,\0n\0\n\0".utf8))  // UTF-16LE without a BOM
        #expect(throws: FeedFileError.unsupportedEncoding(path: utf16, encoding: "UTF-16 or UTF-32 without a byte-order mark")) {
            try CSVRowReader(path: utf16)
        }
    }

    @Test func missingFileOrFolderCannotBeOpened() throws {
        let missing = dir.path("nope.csv")
        #expect(throws: FeedFileError.cannotOpen(path: missing, reason: "no such file or directory")) {
            try CSVRowReader(path: missing)
        }
        #expect(throws: FeedFileError.cannotOpen(path: dir.url.path, reason: "it is a folder, not a file")) {
            try CSVRowReader(path: dir.url.path)
        }
    }

    // MARK: Progress

    @Test func bytesReadReachesFileSize() throws {
        let text = "a,b\n1,2\n3,4\n"
        let reader = try reader(text, chunkSize: 4)
        #expect(reader.fileSize == text.utf8.count)
        #expect(reader.bytesRead == 4)  // the header line
        _ = try reader.next()
        #expect(reader.bytesRead == 8)
        _ = try readAll(reader)
        #expect(reader.bytesRead == reader.fileSize)
    }

    // MARK: Chunk boundaries

    static let boundaryFixture: String = [
        "Id,Note,Place",
        "1,\"Pell, Ada\",Brindlemoor",
        "",
        "2,\"said \"\"hi\"\"\r\nthen left\",\"\"",
        "  ",
        "3,Zoë Ørsted,\"東京, 👩‍⚕️\"",
        "4,short",
        "5,Bo\"b,x",
        "6,\"ok\"junk,x",
        "7,\"\"\"\",\"lone\rCR\"",
        "8,\"\r\n\",\"\"\"a\"\"\"",
        "9,\"unterminated,",
        "10,gone,gone",
    ].joined(separator: "\r\n")

    @Test func tinyChunksGiveTheSameRowsAsOneBigChunk() throws {
        let path = try dir.file("boundary.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(Self.boundaryFixture.utf8))
        let expected = try readAll(CSVRowReader(path: path, chunkSize: 1 << 20))
        #expect(expected.count == 9)
        #expect(expected[0] == row(2, ["1", "Pell, Ada", "Brindlemoor"]))
        #expect(expected[1] == row(4, ["2", "said \"hi\"\r\nthen left", ""]))
        #expect(expected[2] == row(7, ["3", "Zoë Ørsted", "東京, 👩‍⚕️"]))
        #expect(expected[3].problem?.line == 8)
        #expect(expected[4].problem?.column == "note")
        #expect(expected[5].problem?.line == 10)
        #expect(expected[6] == row(11, ["7", "\"", "lone\rCR"]))
        #expect(expected[7] == row(12, ["8", "\r\n", "\"a\""]))
        #expect(expected[8].problem?.line == 14)
        for chunkSize in [1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64] {
            let reader = try CSVRowReader(path: path, chunkSize: chunkSize)
            #expect(reader.columns == ["id", "note", "place"])
            #expect(try readAll(reader) == expected, "chunk size \(chunkSize)")
        }
    }
}

import Foundation
import Testing
@testable import VigilFeeds

@Suite("CSV writer")
struct CSVWriterTests {
    let dir: FixtureDirectory
    init() throws { dir = try FixtureDirectory() }

    func written(_ rows: [[String]]) throws -> String {
        let path = dir.path("out.csv")
        let writer = try CSVWriter(path: path)
        for row in rows { try writer.write(row) }
        try writer.close()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func quotesOnlyWhatNeedsQuoting() throws {
        let text = try written([
            ["id", "note"],
            ["1", "plain text"],
            ["2", "Pell, Ada"],
            ["3", "say \"hi\""],
            ["4", "two\nlines"],
            ["5", "cr\rhere"],
            ["6", ""],
            ["", ""],
            [" spaced ", "Zoë"],
        ])
        #expect(text == "id,note\r\n1,plain text\r\n2,\"Pell, Ada\"\r\n3,\"say \"\"hi\"\"\"\r\n4,\"two\nlines\"\r\n5,\"cr\rhere\"\r\n6,\r\n,\r\n spaced ,Zoë\r\n")
    }

    @Test func loneEmptyOrBlankFieldIsQuoted() throws {
        #expect(try written([["code"], [""], ["  "], ["K7"]]) == "code\r\n\"\"\r\n\"  \"\r\nK7\r\n")
    }

    @Test func emptyRowAndWritingAfterCloseAreRefused() throws {
        let writer = try CSVWriter(path: dir.path("out.csv"))
        #expect(throws: CSVWriter.WriterError.noFields) { try writer.write([]) }
        try writer.close()
        try writer.close()  // closing twice is harmless
        #expect(throws: CSVWriter.WriterError.closed) { try writer.write(["x"]) }
    }

    @Test func cannotCreateInMissingFolder() {
        let path = dir.path("missing/out.csv")
        #expect(throws: CSVWriter.WriterError.cannotCreate(path: path, reason: "no such file or directory")) {
            try CSVWriter(path: path)
        }
    }

    @Test func fileIsPrivateToItsOwner() throws {
        let path = dir.path("private.csv")
        try CSVWriter(path: path).close()
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func manyRowsFlushAcrossTheBuffer() throws {
        let path = dir.path("many.csv")
        let writer = try CSVWriter(path: path)
        try writer.write(["n", "text"])
        for n in 0..<20_000 { try writer.write(["\(n)", "row \(n), with \"quotes\""]) }
        try writer.close()
        let rows = try readAll(CSVRowReader(path: path))
        #expect(rows.count == 20_000)
        #expect(rows.last == row(20_001, ["19999", "row 19999, with \"quotes\""]))
        #expect(rows.allSatisfy { $0.problem == nil })
    }
}

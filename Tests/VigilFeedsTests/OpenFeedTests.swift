import Foundation
import Testing
@testable import VigilFeeds

@Suite("Opening feeds")
struct OpenFeedTests {
    let dir: FixtureDirectory
    init() throws { dir = try FixtureDirectory() }

    @Test(arguments: ["feed.ndjson", "feed.JSONL", "feed.2024.jsonl"])
    func jsonExtensionsOpenNDJSON(name: String) throws {
        let path = try dir.file(name, #"{"Code": "K7", "more": 1}"#)
        var reader = try openFeed(path: path, expectedColumns: ["code"])
        #expect(reader is NDJSONRowReader)
        #expect(reader.columns == ["code"])
        #expect(try reader.next() == row(1, ["K7"]))
        #expect(try reader.next() == nil)
    }

    @Test(arguments: ["feed.csv", "feed.CSV", "feed.txt", "feed", "feed.ndjson.csv"])
    func otherExtensionsOpenCSV(name: String) throws {
        let path = try dir.file(name, "Code\nK7\n")
        var reader = try openFeed(path: path, expectedColumns: ["ignored"])
        #expect(reader is CSVRowReader)
        #expect(reader.columns == ["code"])
        #expect(try reader.next() == row(2, ["K7"]))
        #expect(reader.bytesRead == reader.fileSize)
    }

    @Test func errorDescriptionsNameTheFileInOneSentence() {
        let path = "/srv/vigil/incoming/agency-7.csv"
        let errors: [FeedFileError] = [
            .cannotOpen(path: path, reason: "permission denied"),
            .empty(path: path),
            .missingHeader(path: path),
            .duplicateColumn(path: path, column: "a_number"),
            .unsupportedEncoding(path: path, encoding: "UTF-16 (little-endian)"),
            .unsupportedEncoding(path: path, encoding: "unknown"),
            .notJSONObject(path: path, line: 3),
        ]
        for error in errors {
            let text = error.description
            #expect(text.contains("agency-7.csv"))
            #expect(!text.contains("/srv/vigil"))
            #expect(text.hasSuffix("."))
            #expect(text.filter { $0 == "." }.count == 2, "one sentence: \(text)")  // the file name's dot and the full stop
        }
        #expect(FeedFileError.duplicateColumn(path: path, column: "a_number").description.contains("'a_number'"))
        #expect(FeedFileError.notJSONObject(path: path, line: 3).description.contains("line 3"))
    }

    @Test func problemDescription() {
        #expect(RowProblem(line: 4, column: "age", reason: "r").description == "line 4, column 'age': r")
        #expect(RowProblem(line: 4, column: nil, reason: "r").description == "line 4: r")
    }
}

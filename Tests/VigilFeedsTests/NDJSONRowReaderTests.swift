import Foundation
import Testing
@testable import VigilFeeds

@Suite("NDJSON reader")
struct NDJSONRowReaderTests {
    let dir: FixtureDirectory
    init() throws { dir = try FixtureDirectory() }

    static let columns = ["record_id", "family_name", "age"]

    func reader(_ text: String, columns: [String] = columns, chunkSize: Int = 256 * 1024) throws -> NDJSONRowReader {
        try NDJSONRowReader(path: dir.file("feed.ndjson", text), columns: columns, chunkSize: chunkSize)
    }

    @Test func valuesAreAlignedToColumns() throws {
        let text = """
            {"family_name": "Quillfeather", "record_id": "R-1", "age": "34"}
            {"record_id": "R-2", "family_name": null}

            {"record_id": "R-3", "family_name": "Orrin", "age": "51", "shoe_size": "44", "Notes": "x"}
            """
        let reader = try reader(text)
        #expect(reader.columns == Self.columns)
        #expect(try readAll(reader) == [
            row(1, ["R-1", "Quillfeather", "34"]),
            row(2, ["R-2", nil, nil]),
            row(4, ["R-3", "Orrin", "51"]),
        ])
        #expect(reader.unknownKeys == ["shoe_size", "Notes"])
    }

    @Test func numbersAndBooleansBecomeTheirText() throws {
        let rows = try readAll(reader(#"{"record_id": 42, "family_name": true, "age": 3.5}"# + "\n" + #"{"record_id": -7, "family_name": false, "age": 0}"#))
        #expect(rows == [row(1, ["42", "true", "3.5"]), row(2, ["-7", "false", "0"])])
    }

    @Test func keysMatchIgnoringCaseAndSurroundingSpaces() throws {
        let rows = try readAll(reader(#"{"Record_ID": "R-9", " FAMILY_NAME ": "Wren"}"#))
        #expect(rows == [row(1, ["R-9", "Wren", nil])])
    }

    @Test func sameKeyTwiceIsAProblem() throws {
        let rows = try readAll(reader(#"{"record_id": "R-9", "Record_Id": "R-8"}"# + "\n" + #"{"record_id": "R-7"}"#))
        #expect(rows.count == 2)
        #expect(rows[0].problem?.line == 1)
        #expect(rows[0].problem?.column == "record_id")
        #expect(rows[1] == row(2, ["R-7", nil, nil]))
    }

    @Test func nestedValuesAreProblemsNamingTheKey() throws {
        let text = [
            #"{"record_id": "R-1", "family_name": ["Ysolde", "Marr"]}"#,
            #"{"record_id": "R-2", "age": {"years": 30}}"#,
            #"{"record_id": "R-3", "extra": {"ignored": ["because unknown"]}}"#,
        ].joined(separator: "\n")
        let rows = try readAll(reader(text))
        #expect(rows.count == 3)
        #expect(rows[0].problem?.line == 1)
        #expect(rows[0].problem?.column == "family_name")
        #expect(rows[0].problem?.reason.contains("array") == true)
        #expect(rows[0].problem?.reason.contains("Ysolde") == false)
        #expect(rows[1].problem?.line == 2)
        #expect(rows[1].problem?.column == "age")
        #expect(rows[1].problem?.reason.contains("object") == true)
        #expect(rows[2] == row(3, ["R-3", nil, nil]))
    }

    @Test func lineThatIsNotAnObjectIsAProblemAndReadingGoesOn() throws {
        let text = [
            #"{"record_id": "R-1"}"#,
            #"["R-2", "Fenwick"]"#,
            #""Fenwick""#,
            #"{"record_id": "R-3", "#,
            "record_id,family_name",
            #"{"record_id": "R-4"} trailing"#,
            #"{"record_id": "R-5"}"#,
        ].joined(separator: "\n")
        let rows = try readAll(reader(text))
        #expect(rows.count == 7)
        #expect(rows[0] == row(1, ["R-1", nil, nil]))
        for (offset, line) in (2...6).enumerated() {
            let problem = rows[offset + 1].problem
            #expect(problem?.line == line)
            #expect(problem?.column == nil)
            #expect(problem?.reason.contains("not a JSON object") == true)
            #expect(problem?.reason.contains("Fenwick") == false)
        }
        #expect(rows[6] == row(7, ["R-5", nil, nil]))
    }

    @Test func invalidUTF8LineIsAProblem() throws {
        let bytes = Array(#"{"record_id": "M"#.utf8) + [0xFC] + Array("\"}\n{\"record_id\": \"R-2\"}\n".utf8)
        let reader = try NDJSONRowReader(path: dir.file("latin1.ndjson", bytes: bytes), columns: Self.columns)
        let rows = try readAll(reader)
        #expect(rows.count == 2)
        #expect(rows[0].problem?.line == 1)
        #expect(rows[0].problem?.reason.contains("UTF-8") == true)
        #expect(rows[1] == row(2, ["R-2", nil, nil]))
    }

    @Test func crlfLinesAndMissingFinalLineBreak() throws {
        let rows = try readAll(reader("{\"record_id\": \"R-1\"}\r\n\r\n{\"record_id\": \"R-2\"}"))
        #expect(rows == [row(1, ["R-1", nil, nil]), row(3, ["R-2", nil, nil])])
    }

    @Test func overlongLineIsAProblem() throws {
        let long = String(repeating: "z", count: 200)
        let path = try dir.file("long.ndjson", "{\"record_id\": \"R-1\"}\n{\"record_id\": \"\(long)\"}\n{\"record_id\": \"R-3\"}\n")
        let rows = try readAll(NDJSONRowReader(path: path, columns: Self.columns, chunkSize: 16, maxLineBytes: 100))
        #expect(rows.count == 3)
        #expect(rows[1].problem?.line == 2)
        #expect(rows[2] == row(3, ["R-3", nil, nil]))
    }

    @Test func fileWithNoObjectAtAll() throws {
        let path = try dir.file("array.ndjson", "\n\n[{\"record_id\": \"R-1\"}]\nnot json\n")
        #expect(throws: FeedFileError.notJSONObject(path: path, line: 3)) {
            try NDJSONRowReader(path: path, columns: Self.columns)
        }
    }

    @Test func objectAfterBadLinesIsFoundAndRowsStartAtTheTop() throws {
        let reader = try reader("garbage\n\n{\"record_id\": \"R-1\"}\n", chunkSize: 4)
        let rows = try readAll(reader)
        #expect(rows.count == 2)
        #expect(rows[0].problem?.line == 1)
        #expect(rows[1] == row(3, ["R-1", nil, nil]))
        #expect(reader.bytesRead == reader.fileSize)
    }

    @Test func emptyOrBlankFileIsEmpty() throws {
        for text in ["", "\n\n  \r\n"] {
            let path = try dir.file("empty.ndjson", text)
            #expect(throws: FeedFileError.empty(path: path)) { try NDJSONRowReader(path: path, columns: Self.columns) }
        }
    }

    @Test func byteOrderMarks() throws {
        let utf8 = try dir.file("bom.ndjson", bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"record_id": "R-1"}"#.utf8))
        #expect(try readAll(NDJSONRowReader(path: utf8, columns: Self.columns)) == [row(1, ["R-1", nil, nil])])
        let utf16 = try dir.file("wide.ndjson", bytes: [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00])
        #expect(throws: FeedFileError.unsupportedEncoding(path: utf16, encoding: "UTF-16 (little-endian)")) {
            try NDJSONRowReader(path: utf16, columns: Self.columns)
        }
    }

    @Test func duplicateExpectedColumnsAreRefused() throws {
        let path = try dir.file("feed.ndjson", "{}\n")
        #expect(throws: FeedFileError.duplicateColumn(path: path, column: "age")) {
            try NDJSONRowReader(path: path, columns: ["age", "Age"])
        }
    }

    @Test func tinyChunksGiveTheSameRowsAsOneBigChunk() throws {
        let text = [
            #"{"record_id": "R-1", "family_name": "Zoë Ørsted", "age": 30}"#,
            "",
            #"{"record_id": "東京👩‍⚕️", "family_name": null, "other": 1}"#,
            "[1]",
            #"{"record_id": "R-3", "age": [1]}"#,
            "\r",
            #"{"record_id": "line\nbreak escaped"}"#,
        ].joined(separator: "\r\n")
        let path = try dir.file("boundary.ndjson", text)
        let expected = try readAll(NDJSONRowReader(path: path, columns: Self.columns, chunkSize: 1 << 20))
        #expect(expected.count == 5)
        #expect(expected[0] == row(1, ["R-1", "Zoë Ørsted", "30"]))
        #expect(expected[1] == row(3, ["東京👩‍⚕️", nil, nil]))
        #expect(expected[2].problem?.line == 4)
        #expect(expected[3].problem?.column == "age")
        #expect(expected[4] == row(7, ["line\nbreak escaped", nil, nil]))
        for chunkSize in [1, 2, 3, 5, 8, 17] {
            let reader = try NDJSONRowReader(path: path, columns: Self.columns, chunkSize: chunkSize)
            #expect(try readAll(reader) == expected, "chunk size \(chunkSize)")
            #expect(reader.unknownKeys == ["other"])
        }
    }
}

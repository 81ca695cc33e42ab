import Foundation
import PropertyBased
import Testing
@testable import VigilFeeds

/// Whatever the values, what `CSVWriter` writes `CSVRowReader` reads back identically, at any chunk size.
@Suite("CSV round trip")
struct CSVRoundTripPropertyTests {
    static let alphabet: [Character] = [
        "a", "Z", "7", " ", "\t", ",", "\"", "\n", "\r", "\r\n", "é", "Ø", "東", "👩‍⚕️", "\u{301}", "\u{FEFF}", "-",
    ]
    static let field = Gen<Character?>.element(of: alphabet).compactMap { $0 }.string(of: 0...8)

    @Test func writtenRowsReadBackIdentically() async throws {
        let dir = try FixtureDirectory()
        await propertyCheck(
            count: 200,
            input: Gen.int(in: 1...5), Self.field.array(of: 0...60), Gen.int(in: 1...40)
        ) { width, fields, chunkSize in
            let rows = stride(from: 0, to: fields.count - fields.count % width, by: width).map {
                Array(fields[$0..<$0 + width])
            }
            let path = dir.path("round-trip-\(UUID().uuidString).csv")
            let header = (0..<width).map { "c\($0)" }
            let writer = try CSVWriter(path: path)
            try writer.write(header)
            for row in rows { try writer.write(row) }
            try writer.close()

            // Each written record ends with CRLF; line breaks inside quoted fields count as lines too.
            var expected: [RawRow] = []
            var line = 2
            for row in rows {
                expected.append(RawRow(line: line, values: row))
                line += 1 + row.reduce(0) { $0 + $1.utf8.filter { $0 == 0x0A }.count }
            }
            for size in [chunkSize, 256 * 1024] {
                let reader = try CSVRowReader(path: path, chunkSize: size)
                #expect(reader.columns == header)
                #expect(try readAll(reader) == expected)
                #expect(reader.bytesRead == reader.fileSize)
            }
            try FileManager.default.removeItem(atPath: path)
        }
    }
}

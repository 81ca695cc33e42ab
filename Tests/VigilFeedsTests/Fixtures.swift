import Foundation
@testable import VigilFeeds

/// A fresh folder under the temporary directory, removed when the fixture goes away.
/// Every value written into it is invented.
final class FixtureDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-feeds-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` as UTF-8 and returns the file's path.
    func file(_ name: String, _ text: String) throws -> String {
        try file(name, bytes: Array(text.utf8))
    }

    func file(_ name: String, bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Every row left in `reader`.
func readAll(_ reader: some FeedRowReader) throws(FeedFileError) -> [RawRow] {
    var reader = reader
    var rows: [RawRow] = []
    while let row = try reader.next() { rows.append(row) }
    return rows
}

/// A row that was read, for comparisons.
func row(_ line: Int, _ values: [String?]) -> RawRow { RawRow(line: line, values: values) }

import Foundation

/// Reads an NDJSON feed (one JSON object per line, UTF-8) in fixed-size chunks.
///
/// Each object's keys are matched to `columns` ignoring case and surrounding spaces. Values must
/// be strings or `null` (`nil`); numbers and booleans become their JSON text; an array or object
/// under a known key is a `RowProblem`. Keys that are not columns are ignored, and collected in
/// `unknownKeys` as written. Blank lines are skipped; a line that is not a JSON object is a
/// `RowProblem`. A file in which no line is a JSON object fails to open with `.notJSONObject`.
public final class NDJSONRowReader: FeedRowReader {
    public let columns: [String]
    /// Keys met so far that are not in `columns`, as written in the file.
    public private(set) var unknownKeys: Set<String> = []
    public var bytesRead: Int { file.offset + pos }
    public var fileSize: Int { file.size }

    private let file: ChunkedFile
    private let maxLineBytes: Int
    /// Column position by name as given and by normalised name.
    private let columnIndex: [String: Int]
    private var pos = 0
    /// Physical line number of the next line, 1-based.
    private var line = 1
    private var finished = false
    private var lineBuffer: [UInt8] = []
    private var lineTooLong = false

    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    public convenience init(path: String, columns: [String]) throws(FeedFileError) {
        try self.init(path: path, columns: columns, chunkSize: ChunkedFile.defaultChunkSize)
    }

    /// - Parameters:
    ///   - chunkSize: bytes read from the file at a time.
    ///   - maxLineBytes: longest line accepted; a longer one is a row problem, so memory stays bounded.
    init(path: String, columns: [String], chunkSize: Int, maxLineBytes: Int = 16 << 20) throws(FeedFileError) {
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() {
            let name = Self.normalise(column)
            if index[name] != nil { throw .duplicateColumn(path: path, column: name) }
            index[name] = position
        }
        for (position, column) in columns.enumerated() where index[column] == nil {
            index[column] = position
        }
        self.columns = columns
        self.columnIndex = index
        self.maxLineBytes = maxLineBytes
        self.file = try ChunkedFile(path: path, chunkSize: chunkSize)

        // Refuse a file with no JSON object at all, then start again from the top.
        var firstText: Int?
        var foundObject = false
        while !foundObject, let number = try readLine() {
            if isBlankLine { continue }
            if firstText == nil { firstText = number }
            foundObject = !lineTooLong && parseObject() != nil
        }
        guard let firstText else { throw .empty(path: path) }
        guard foundObject else { throw .notJSONObject(path: path, line: firstText) }
        try file.rewind()
        pos = 0
        line = 1
        finished = false
    }

    public func next() throws(FeedFileError) -> RawRow? {
        while let number = try readLine() {
            if isBlankLine { continue }
            if lineTooLong {
                return RawRow(problem: RowProblem(line: number, column: nil, reason:
                    "the line is longer than \(maxLineBytes / 1024) KiB; each line must hold one JSON object"))
            }
            guard lineBuffer.withUnsafeBufferPointer(CSVParser.string) != nil else {
                return RawRow(problem: RowProblem(line: number, column: nil, reason:
                    "the line is not valid UTF-8 text; save or export the file as UTF-8"))
            }
            guard let object = parseObject() else {
                return RawRow(problem: RowProblem(line: number, column: nil, reason:
                    "the line is not a JSON object; each line must hold one complete JSON object, such as {\"key\": \"value\"}, and nothing else"))
            }
            return row(from: object, line: number)
        }
        return nil
    }

    private func row(from object: [String: Any], line number: Int) -> RawRow {
        var raw = [Any?](repeating: nil, count: columns.count)
        var duplicate: Int?
        for (key, value) in object {
            guard let position = columnIndex[key] ?? columnIndex[Self.normalise(key)] else {
                unknownKeys.insert(key)
                continue
            }
            if raw[position] != nil, duplicate.map({ position < $0 }) ?? true { duplicate = position }
            raw[position] = value
        }
        if let duplicate {
            return RawRow(problem: RowProblem(line: number, column: columns[duplicate], reason:
                "the object has this key more than once (keys are compared ignoring case and surrounding spaces); keep only one"))
        }
        var values: [String?] = []
        values.reserveCapacity(columns.count)
        for (position, value) in raw.enumerated() {
            guard let value else {
                values.append(nil)
                continue
            }
            switch value {
            case is NSNull:
                values.append(nil)
            case let text as String:
                values.append(text)
            case let number as NSNumber:
                if String(cString: number.objCType) == "c" {
                    values.append(number.boolValue ? "true" : "false")
                } else {
                    values.append(number.stringValue)
                }
            default:
                let kind = value is [Any] ? "a JSON array" : value is [String: Any] ? "a JSON object" : "not a plain value"
                return RawRow(problem: RowProblem(line: number, column: columns[position], reason:
                    "the value is \(kind); it must be a string, a number, true, false or null"))
            }
        }
        return RawRow(line: number, values: values)
    }

    /// The line in `lineBuffer` as a JSON object, or `nil` when it is not one.
    private func parseObject() -> [String: Any]? {
        let object = try? JSONSerialization.jsonObject(with: Data(lineBuffer), options: [])
        return object as? [String: Any]
    }

    private var isBlankLine: Bool {
        !lineTooLong && lineBuffer.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == Self.cr }
    }

    /// Reads the next physical line into `lineBuffer`, without its line break; returns its number,
    /// or `nil` at end of file.
    private func readLine() throws(FeedFileError) -> Int? {
        guard !finished else { return nil }
        lineBuffer.removeAll(keepingCapacity: true)
        lineTooLong = false
        var sawBytes = false
        while true {
            if pos >= file.count {
                let more: Bool
                do {
                    more = try file.refill()
                } catch {
                    finished = true  // the file cannot be read on; the caller has the error
                    pos = 0
                    throw error
                }
                guard more else {
                    finished = true
                    pos = 0
                    return sawBytes ? line : nil
                }
                pos = 0
            }
            sawBytes = true
            let base = file.base
            let count = file.count
            var end = pos
            while end < count && base[end] != Self.lf { end += 1 }
            if !lineTooLong {
                if lineBuffer.count + (end - pos) > maxLineBytes {
                    lineTooLong = true
                    lineBuffer.removeAll(keepingCapacity: true)
                } else {
                    lineBuffer.append(contentsOf: UnsafeBufferPointer(start: base + pos, count: end - pos))
                }
            }
            if end < count {
                pos = end + 1
                if lineBuffer.last == Self.cr { lineBuffer.removeLast() }
                let number = line
                line += 1
                return number
            }
            pos = count
        }
    }

    private static func normalise(_ key: String) -> String {
        key.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

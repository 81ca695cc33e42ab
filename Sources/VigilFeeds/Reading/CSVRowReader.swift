import Foundation

/// Reads an RFC 4180 CSV feed in UTF-8, record by record, in fixed-size chunks.
///
/// The first record is the header: its names are trimmed and lower-cased into `columns`.
/// LF and CRLF line endings are accepted; quoted fields may hold commas, doubled quotes and
/// line breaks (kept as they are). Blank lines (empty, or spaces and tabs only) are skipped.
/// A record that cannot be read comes back as a row with a `RowProblem`, and reading goes on
/// with the next record; an unterminated quote ends the file.
public final class CSVRowReader: FeedRowReader {
    public private(set) var columns: [String] = []
    public var bytesRead: Int { parser.bytesConsumed }
    public var fileSize: Int { parser.file.size }

    private var parser: CSVParser

    public convenience init(path: String) throws(FeedFileError) {
        try self.init(path: path, chunkSize: ChunkedFile.defaultChunkSize)
    }

    /// - Parameters:
    ///   - chunkSize: bytes read from the file at a time.
    ///   - maxFieldBytes: longest field accepted; a longer one is a row problem (typically a
    ///     stray quote that swallowed the rest of the file), so memory stays bounded.
    init(path: String, chunkSize: Int, maxFieldBytes: Int = 4 << 20) throws(FeedFileError) {
        parser = CSVParser(file: try ChunkedFile(path: path, chunkSize: chunkSize), maxFieldBytes: maxFieldBytes)
        guard let header = try parser.readRecord(columns: [], isHeader: true) else {
            throw .empty(path: path)
        }
        if header.problem != nil {
            if parser.lastProblemKind == .encoding {
                throw .unsupportedEncoding(path: path, encoding: FeedFileError.unknownEncoding)
            }
            throw .missingHeader(path: path)
        }
        if header.values.isEmpty { throw .missingHeader(path: path) }  // blank first line
        var names: [String] = []
        var seen: Set<String> = []
        for value in header.values {
            let raw = value ?? ""
            if raw.utf8.contains(0) {
                throw .unsupportedEncoding(path: path, encoding: "UTF-16 or UTF-32 without a byte-order mark")
            }
            let name = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if name.isEmpty { throw .missingHeader(path: path) }
            if !seen.insert(name).inserted { throw .duplicateColumn(path: path, column: name) }
            names.append(name)
        }
        columns = names
    }

    public func next() throws(FeedFileError) -> RawRow? {
        try parser.readRecord(columns: columns, isHeader: false)
    }
}

/// The byte-level RFC 4180 state machine behind `CSVRowReader`.
///
/// Each field is built from the chunk's bytes directly when it lies inside one chunk and holds
/// no doubled quote, else from `fieldBuffer`; only then is it validated as UTF-8 into a `String`.
struct CSVParser {
    enum ProblemKind { case structure, fieldCount, encoding, tooLong, unterminated }

    private enum State {
        case recordStart, fieldStart, unquoted, quoted, quoteInQuoted, closedQuoteCR, junk
    }

    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D
    private static let quote: UInt8 = 0x22
    private static let comma: UInt8 = 0x2C
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09

    let file: ChunkedFile
    let maxFieldBytes: Int
    /// Index in the chunk of the next byte to read.
    private var pos = 0
    /// Physical line of `pos`, 1-based.
    private var line = 1
    private var finished = false
    private(set) var lastProblemKind: ProblemKind?

    // State of the record being read.
    private var fieldBuffer: [UInt8] = []
    private var values: [String?] = []
    private var fieldIndex = 0
    private var storeLimit = 0
    private var columns: [String] = []
    private var recordLine = 1
    private var problem: RowProblem?
    private var firstFieldBlank = false
    /// Index of the record's first field that is not UTF-8.
    private var badField: Int?

    init(file: ChunkedFile, maxFieldBytes: Int) {
        self.file = file
        self.maxFieldBytes = maxFieldBytes
    }

    var bytesConsumed: Int { file.offset + pos }

    /// Reads the next record. With `isHeader`, a blank first line comes back as a row without
    /// values, and every field is kept; otherwise blank lines are skipped.
    mutating func readRecord(columns: [String], isHeader: Bool) throws(FeedFileError) -> RawRow? {
        guard !finished else { return nil }
        self.columns = columns
        storeLimit = isHeader ? Int.max : columns.count
        let base = file.base
        var count = file.count
        var i = pos
        defer { pos = i }

        record: while true {
            var state = State.recordStart
            var spanStart = i
            var spanEnd = i
            var atEOF = false
            values = []
            values.reserveCapacity(isHeader ? 16 : columns.count)
            fieldIndex = 0
            problem = nil
            lastProblemKind = nil
            firstFieldBlank = false
            badField = nil
            fieldBuffer.removeAll(keepingCapacity: true)

            scan: while true {
                if i >= count {
                    // Keep what the chunk holds of the field in progress, then read on.
                    if problem == nil {
                        switch state {
                        case .unquoted, .quoted: appendToField(base, spanStart, i)
                        case .quoteInQuoted: appendToField(base, spanStart, spanEnd)
                        default: break
                        }
                    }
                    let more: Bool
                    do {
                        more = try file.refill()
                    } catch {
                        finished = true  // the file cannot be read on; the caller has the error
                        i = 0
                        throw error
                    }
                    guard more else {
                        atEOF = true
                        i = 0
                        break scan
                    }
                    count = file.count
                    i = 0
                    spanStart = 0
                    spanEnd = 0
                    continue scan
                }
                switch state {
                case .recordStart:
                    recordLine = line
                    let b = base[i]
                    if b == Self.lf || (b == Self.cr && i + 1 < count && base[i + 1] == Self.lf) {
                        i += b == Self.lf ? 1 : 2
                        line += 1
                        if isHeader { return RawRow(line: recordLine, values: []) }
                        continue scan
                    }
                    state = .fieldStart

                case .fieldStart:
                    let b = base[i]
                    if b == Self.quote {
                        state = .quoted
                        i += 1
                        spanStart = i
                    } else if b == Self.comma {
                        finishField(base, i, i, quoted: false, stripCR: false)
                        i += 1
                    } else if b == Self.lf {
                        finishField(base, i, i, quoted: false, stripCR: false)
                        i += 1
                        line += 1
                        break scan
                    } else {
                        state = .unquoted
                        spanStart = i
                        i += 1
                    }

                case .unquoted:
                    while i < count {
                        let c = base[i]
                        if c == Self.comma || c == Self.lf || c == Self.quote { break }
                        i += 1
                    }
                    if i == count { continue scan }
                    let c = base[i]
                    if c == Self.comma {
                        finishField(base, spanStart, i, quoted: false, stripCR: false)
                        state = .fieldStart
                        i += 1
                    } else if c == Self.lf {
                        finishField(base, spanStart, i, quoted: false, stripCR: true)
                        i += 1
                        line += 1
                        break scan
                    } else {
                        report(.structure, column: fieldIndex, reason:
                            "a double quote appears inside a field that does not start with one; put the whole field in double quotes and double each quote inside it (\"\")")
                        state = .junk
                        i += 1
                    }

                case .quoted:
                    while i < count {
                        let c = base[i]
                        if c == Self.quote { break }
                        if c == Self.lf { line += 1 }
                        i += 1
                    }
                    if i == count { continue scan }
                    spanEnd = i
                    state = .quoteInQuoted
                    i += 1

                case .quoteInQuoted:
                    let b = base[i]
                    if b == Self.quote {
                        // A doubled quote: one quote of data.
                        if problem == nil {
                            appendToField(base, spanStart, spanEnd)
                            if problem == nil { fieldBuffer.append(Self.quote) }
                        }
                        state = .quoted
                        i += 1
                        spanStart = i
                    } else if b == Self.comma {
                        finishField(base, spanStart, spanEnd, quoted: true, stripCR: false)
                        state = .fieldStart
                        i += 1
                    } else if b == Self.lf {
                        finishField(base, spanStart, spanEnd, quoted: true, stripCR: false)
                        i += 1
                        line += 1
                        break scan
                    } else if b == Self.cr {
                        finishField(base, spanStart, spanEnd, quoted: true, stripCR: false)
                        state = .closedQuoteCR
                        i += 1
                    } else {
                        report(.structure, column: fieldIndex, reason: Self.afterQuoteReason)
                        state = .junk
                        i += 1
                    }

                case .closedQuoteCR:
                    if base[i] == Self.lf {
                        i += 1
                        line += 1
                        break scan
                    }
                    report(.structure, column: fieldIndex - 1, reason: Self.afterQuoteReason)
                    state = .junk

                case .junk:
                    // Skip the rest of a broken field, quotes included.
                    while i < count {
                        let c = base[i]
                        if c == Self.comma || c == Self.lf { break }
                        i += 1
                    }
                    if i == count { continue scan }
                    if base[i] == Self.comma {
                        fieldIndex += 1
                        state = .fieldStart
                        i += 1
                    } else {
                        i += 1
                        line += 1
                        break scan
                    }
                }
            }

            if atEOF {
                finished = true
                switch state {
                case .recordStart:
                    return nil
                case .fieldStart:
                    finishField(base, 0, 0, quoted: false, stripCR: false)
                case .unquoted:
                    finishField(base, 0, 0, quoted: false, stripCR: true)
                case .quoteInQuoted:
                    finishField(base, 0, 0, quoted: true, stripCR: false)
                case .quoted:
                    problem = nil
                    report(.unterminated, column: fieldIndex, reason:
                        "a quoted field starting on this line is never closed, so the rest of the file was read into it; add the missing closing double quote")
                case .closedQuoteCR, .junk:
                    break
                }
            }

            if problem == nil && fieldIndex == 1 && firstFieldBlank {
                // A blank line.
                if isHeader { return RawRow(line: recordLine, values: []) }
                if atEOF { return nil }
                continue record
            }
            if problem == nil && !isHeader && fieldIndex != columns.count {
                report(.fieldCount, column: nil, reason:
                    "the record has \(fieldIndex) \(fieldIndex == 1 ? "field" : "fields"), the header has \(columns.count); check for a missing or extra comma, and put double quotes around values that contain commas")
            }
            if problem == nil, let bad = badField {
                report(.encoding, column: bad, reason:
                    "the field is not valid UTF-8 text; save or export the file as UTF-8")
            }
            if let problem { return RawRow(problem: problem) }
            return RawRow(line: recordLine, values: values)
        }
    }

    private static let afterQuoteReason =
        "characters follow the closing double quote of a quoted field; a quoted field must end right before a comma or the end of the line, and a quote inside it must be doubled (\"\")"

    /// Records the record's first problem; `column` is a field index, named when the header has it.
    private mutating func report(_ kind: ProblemKind, column: Int?, reason: String) {
        guard problem == nil else { return }
        var name: String?
        if let column, column >= 0, column < columns.count { name = columns[column] }
        problem = RowProblem(line: recordLine, column: name, reason: reason)
        lastProblemKind = kind
    }

    /// Appends `base[start..<end]` to the field being built, unless that makes it too long.
    private mutating func appendToField(_ base: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int) {
        guard end > start else { return }
        if fieldBuffer.count + (end - start) > maxFieldBytes {
            report(.tooLong, column: fieldIndex, reason:
                "a field is longer than \(maxFieldBytes / 1024) KiB, most likely because of a stray double quote; check the quotes on this line")
            return
        }
        fieldBuffer.append(contentsOf: UnsafeBufferPointer(start: base + start, count: end - start))
    }

    /// Ends the current field: its bytes are `fieldBuffer` followed by `base[start..<end]`.
    /// A field that is not UTF-8 is stored as `nil` and reported once the record is complete.
    private mutating func finishField(
        _ base: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int, quoted: Bool, stripCR: Bool
    ) {
        defer { fieldIndex += 1 }
        let keep = fieldIndex < storeLimit
        guard problem == nil, keep || fieldIndex == 0 else {
            fieldBuffer.removeAll(keepingCapacity: true)
            return
        }
        var value: String?
        if fieldBuffer.isEmpty {
            var end = end
            if stripCR && end > start && base[end - 1] == Self.cr { end -= 1 }
            let bytes = UnsafeBufferPointer(start: base + start, count: end - start)
            if fieldIndex == 0 && !quoted { firstFieldBlank = Self.isBlank(bytes) }
            if keep { value = Self.string(bytes) }
        } else {
            appendToField(base, start, end)
            if problem != nil { return }
            if stripCR && fieldBuffer.last == Self.cr { fieldBuffer.removeLast() }
            if fieldIndex == 0 && !quoted { firstFieldBlank = fieldBuffer.withUnsafeBufferPointer(Self.isBlank) }
            if keep { value = fieldBuffer.withUnsafeBufferPointer(Self.string) }
            fieldBuffer.removeAll(keepingCapacity: true)
        }
        guard keep else { return }
        if value == nil && badField == nil { badField = fieldIndex }
        values.append(value)
    }

    /// The bytes as a string, or `nil` when they are not valid UTF-8.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // `String(decoding:)` is fast but replaces invalid sequences with U+FFFD, so a string that
        // is not ASCII is checked against its bytes: a repaired one differs from them.
        var ascii = true
        for byte in bytes where byte >= 0x80 {
            ascii = false
            break
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if ascii || text.utf8.elementsEqual(bytes) { return text }
        return nil
    }

    private static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte != space && byte != tab { return false }
        return true
    }
}

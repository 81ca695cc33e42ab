/// One record read from a feed file, before any field is interpreted.
///
/// `values` hold personal data: `description` never prints them.
public struct RawRow: Equatable, Sendable, CustomStringConvertible {
    /// 1-based physical line number where the record starts in the file (a quoted field may span lines).
    public let line: Int
    /// Values aligned to the reader's `columns`; `nil` where the NDJSON object lacks the key
    /// (CSV rows always have every value, or a problem instead).
    public let values: [String?]
    /// Set when the record could not be read; then `values` is empty.
    public let problem: RowProblem?

    /// A record that was read.
    public init(line: Int, values: [String?]) {
        self.line = line
        self.values = values
        self.problem = nil
    }

    /// A record that could not be read; its line is the problem's line.
    public init(problem: RowProblem) {
        self.line = problem.line
        self.values = []
        self.problem = problem
    }

    public var description: String {
        if let problem { return "RawRow(line \(line), problem: \(problem.reason))" }
        return "RawRow(line \(line), \(values.count) values redacted)"
    }
}

/// Why one record of a feed file could not be read. The reader goes on with the next record.
public struct RowProblem: Error, Equatable, Sendable, Codable, CustomStringConvertible {
    /// 1-based physical line where the record starts.
    public let line: Int
    /// Header column name when one is to blame.
    public let column: String?
    /// Says what is wrong and how to fix it; never contains the field's value (personal data).
    public let reason: String

    public init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        if let column { return "line \(line), column '\(column)': \(reason)" }
        return "line \(line): \(reason)"
    }
}

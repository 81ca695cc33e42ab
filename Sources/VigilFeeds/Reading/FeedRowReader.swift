/// Reads the records of one feed file, one at a time, in file order, with flat memory.
///
/// ```swift
/// var reader = try openFeed(path: path, expectedColumns: ["a_number", "family_name"])
/// while let row = try reader.next() { ... }
/// ```
public protocol FeedRowReader: ~Copyable {
    /// Column names, trimmed and lower-cased for CSV (from the header); as given for NDJSON.
    var columns: [String] { get }
    /// Bytes of the file consumed so far; `bytesRead / fileSize` is the fraction for a progress bar.
    var bytesRead: Int { get }
    /// Size of the file in bytes when it was opened.
    var fileSize: Int { get }
    /// The next record, or `nil` at end of file. Unreadable records come back as rows with a
    /// `problem`; the error is thrown only when the file itself can no longer be read.
    mutating func next() throws(FeedFileError) -> RawRow?
}

/// Opens a feed by its extension: `.ndjson` or `.jsonl` (any case) is NDJSON read against
/// `expectedColumns`; anything else is CSV, whose header gives the columns (compare them with
/// `expectedColumns` yourself).
public func openFeed(path: String, expectedColumns: [String]) throws(FeedFileError) -> any FeedRowReader {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path)
    let ext = name.split(separator: ".", omittingEmptySubsequences: false).dropFirst().last?.lowercased()
    if ext == "ndjson" || ext == "jsonl" {
        return try NDJSONRowReader(path: path, columns: expectedColumns)
    }
    return try CSVRowReader(path: path)
}

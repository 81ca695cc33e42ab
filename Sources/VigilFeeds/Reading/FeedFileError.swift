import Foundation

/// Why a feed file cannot be read at all. Row-level trouble is a `RowProblem` instead.
public enum FeedFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be opened or read; `reason` is the system's explanation.
    case cannotOpen(path: String, reason: String)
    /// The file holds no bytes (a UTF-8 byte-order mark alone counts as empty; for NDJSON,
    /// so do blank lines alone).
    case empty(path: String)
    /// The first line is blank or is not a header (unreadable, or a column without a name).
    case missingHeader(path: String)
    /// The header names a column twice (after trimming and lower-casing).
    case duplicateColumn(path: String, column: String)
    /// UTF-16/UTF-32 byte-order marks, or a header that is not UTF-8. `encoding` names the
    /// detected encoding, or is `"unknown"`.
    case unsupportedEncoding(path: String, encoding: String)
    /// An NDJSON file in which no line is a JSON object; `line` is its first non-blank line.
    case notJSONObject(path: String, line: Int)

    /// The encoding reported for a header that is not valid UTF-8.
    static let unknownEncoding = "unknown"

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "Cannot read the feed file \(Self.name(path)) (\(reason)); check that the path is right and the file is readable."
        case .empty(let path):
            "The feed file \(Self.name(path)) is empty; export the feed again and check that it has a header and records."
        case .missingHeader(let path):
            "The feed file \(Self.name(path)) has no header on its first line; the first line must name every column, separated by commas."
        case .duplicateColumn(let path, let column):
            "The header of the feed file \(Self.name(path)) names the column '\(column)' more than once; give each column its own name."
        case .unsupportedEncoding(let path, let encoding) where encoding == Self.unknownEncoding:
            "The header of the feed file \(Self.name(path)) is not valid UTF-8; save or export the file as UTF-8 and import it again."
        case .unsupportedEncoding(let path, let encoding):
            "The feed file \(Self.name(path)) is encoded as \(encoding); save or export it as UTF-8 and import it again."
        case .notJSONObject(let path, let line):
            "The feed file \(Self.name(path)) has no JSON object on any line (line \(line) is the first with text); an NDJSON feed holds one JSON object per line."
        }
    }

    private static func name(_ path: String) -> String {
        let last = URL(fileURLWithPath: path).lastPathComponent
        return last.isEmpty ? path : last
    }
}

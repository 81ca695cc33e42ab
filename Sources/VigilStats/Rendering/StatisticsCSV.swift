import Foundation
import VigilStore

/// A release as CSV (RFC 4180: CRLF line ends, fields quoted when they hold `,`, `"`, CR or LF).
///
/// One row per cell, and each row carries its table's title, denominator and total and its
/// category's definition, so that a row copied into a spreadsheet on its own still says what it
/// counts. The first column says whether the row is published or oversight-only, for the same
/// reason: a row cut from an oversight file still says it must not be published.
public enum StatisticsCSV {
    public static let header = [
        "release", "period", "as_of", "table", "title", "group", "category", "label", "count", "share",
        "share_sd", "status", "total", "denominator", "definition", "epsilon",
    ]

    public static func render(_ release: StatisticsRelease) -> String {
        var lines = [line(header)]
        let epsilon = release.privacy.map { PrivacyBudget.format($0.epsilonPerTable) } ?? "none (true counts)"
        let releaseLabel = release.kind == .published ? "published" : "OVERSIGHT ONLY - not for publication"
        for table in release.tables {
            let definitions = Dictionary(table.definitions.map { ($0.category, $0.definition) }, uniquingKeysWith: { a, _ in a })
            for cell in table.cells {
                lines.append(line([
                    releaseLabel, release.period, release.asOf, table.id, table.title, cell.group ?? "", cell.category,
                    cell.label, cell.count.map(String.init) ?? "", cell.share.map(decimal) ?? "",
                    cell.shareStandardDeviation.map(decimal) ?? "",
                    cell.suppressed ? "suppressed: fewer than \(release.privacy?.suppressionThreshold ?? 11)" : "published",
                    String(table.total), table.denominator, definitions[cell.category] ?? "", epsilon,
                ]))
            }
        }
        return lines.joined()
    }

    /// Shares as plain decimals (`0.000028`, not `2.8e-05`), which every spreadsheet reads.
    private static func decimal(_ value: Double) -> String { TextFormat.fixed(value, decimals: 6) }

    private static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    private static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

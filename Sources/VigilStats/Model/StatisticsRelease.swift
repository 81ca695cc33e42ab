import Foundation

/// One release of the statistics: every declared table, each with its definitions, its
/// denominator and the share of the whole, never a bare count.
///
/// This is what `vigil stats --format json` prints, what `GET /api/v1/stats` serves and what the
/// ledger stores (as JSON, keys in snake_case, sorted). A published release holds noisy,
/// post-processed values only; an oversight release (``Kind/rawOversightOnly``) holds true counts
/// and is never stored, cached or served to the public.
public struct StatisticsRelease: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Noisy and suppressed: safe to publish.
        case published
        /// True counts for oversight: can identify people, never for publication.
        case rawOversightOnly = "raw_oversight_only"
    }

    public var kind: Kind
    /// One sentence that says what this is; for oversight releases, that it is not for publication.
    public var notice: String
    /// The `YYYY-MM` period whose budget paid for the release.
    public var period: String
    /// The day the counts describe (UTC).
    public var asOf: String
    /// When the release was made (RFC 3339, UTC).
    public var publishedAt: String
    /// How the numbers were protected; absent from oversight releases, which are not.
    public var privacy: Privacy?
    /// How to read the numbers, for every reader.
    public var notes: [String]
    public var tables: [Table]

    /// The privacy parameters and what they mean for a reader.
    public struct Privacy: Codable, Sendable, Equatable {
        public var mechanism: String
        /// ε spent on each table.
        public var epsilonPerTable: Double
        /// ε of the whole release: a person can be in every table, so the tables' ε add up.
        public var epsilonTotal: Double
        /// How much one person can change one cell.
        public var sensitivity: Int
        /// Noisy counts below this are withheld.
        public var suppressionThreshold: Int
        /// The standard deviation of the noise on each count.
        public var countStandardDeviation: Double
        /// Each count is within ± this of the true count with probability ``marginLevel``.
        public var countMargin: Int
        public var marginLevel: Double
        /// The most ε a table may spend in one period.
        public var budgetPerTablePerPeriod: Double
    }

    public struct Table: Codable, Sendable, Equatable {
        /// Stable identifier (`custody_by_criminal_history`), also the ledger's key.
        public var id: String
        public var title: String
        /// Who is counted, and once each.
        public var population: String
        /// What the total and the shares are of.
        public var denominator: String
        /// The heading of the category column (`Criminal-history category`).
        public var categoryHeading: String
        /// The heading of the group column for two-way tables (`Month`); absent otherwise.
        public var groupHeading: String?
        public var definitions: [Definition]
        /// The sum of the published cells: exactly what the shares are of.
        public var total: Int
        public var publishedCells: Int
        public var suppressedCells: Int
        public var cells: [Cell]
    }

    /// What a category means, published with every table.
    public struct Definition: Codable, Sendable, Equatable {
        public var category: String
        public var label: String
        public var definition: String
    }

    public struct Cell: Codable, Sendable, Equatable {
        /// For two-way tables, the row group (a month, `YYYY-MM`).
        public var group: String?
        public var category: String
        public var label: String
        /// `nil` when suppressed.
        public var count: Int?
        /// The count's share of the table's total; `nil` when suppressed.
        public var share: Double?
        /// The standard deviation the noise predicts for the share; `nil` for oversight releases.
        public var shareStandardDeviation: Double?
        public var suppressed: Bool
    }
}

extension StatisticsRelease {
    /// Sorted keys and snake_case: the same release always encodes to the same bytes.
    public func jsonData(pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public init(jsonData: Data) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        self = try decoder.decode(Self.self, from: jsonData)
    }

    /// Every text a reader sees: titles, headings, labels, definitions, notes.
    public var allText: [String] {
        var texts = [notice] + notes + (privacy.map { [$0.mechanism] } ?? [])
        for table in tables {
            texts += [table.title, table.population, table.denominator, table.categoryHeading] + (table.groupHeading.map { [$0] } ?? [])
            texts += table.definitions.flatMap { [$0.label, $0.definition] }
            texts += table.cells.map(\.label)
        }
        return texts
    }
}

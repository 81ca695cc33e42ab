import Foundation
import VigilCore
import VigilStats

/// `GET /api/v1/stats`: the same release as the page, as JSON; true counts for oversight.
extension APIHandler {
    func getStats(_ input: Operations.GetStats.Input) async throws -> Operations.GetStats.Output {
        if input.query.raw == true {
            // The same rule as the other oversight operations: no token is 401, another tier 403.
            let requester = RequestScope.current.requester
            if requester.accountID == nil { throw Problem.unauthorized }
            guard requester.tier == .oversight else { throw Problem.forbidden }
            return .ok(.init(body: .json(Self.render(try await stats.oversight(account: requester.accountID, via: "api")))))
        }
        return .ok(.init(body: .json(Self.render(try await stats.current().release))))
    }

    static func render(_ release: StatisticsRelease) -> Components.Schemas.StatisticsRelease {
        .init(
            kind: release.kind == .published ? .published : .rawOversightOnly,
            notice: release.notice, period: release.period, asOf: release.asOf,
            publishedAt: Timestamp(iso: release.publishedAt)?.date ?? Date(timeIntervalSince1970: 0),
            privacy: release.privacy.map { p in
                .init(
                    mechanism: p.mechanism, epsilonPerTable: p.epsilonPerTable, epsilonTotal: p.epsilonTotal,
                    sensitivity: p.sensitivity, suppressionThreshold: p.suppressionThreshold,
                    countStandardDeviation: p.countStandardDeviation, countMargin: p.countMargin,
                    marginLevel: p.marginLevel, budgetPerTablePerPeriod: p.budgetPerTablePerPeriod)
            },
            notes: release.notes,
            tables: release.tables.map { table in
                .init(
                    id: table.id, title: table.title, population: table.population, denominator: table.denominator,
                    categoryHeading: table.categoryHeading, groupHeading: table.groupHeading,
                    definitions: table.definitions.map { .init(category: $0.category, label: $0.label, definition: $0.definition) },
                    total: table.total, publishedCells: table.publishedCells, suppressedCells: table.suppressedCells,
                    cells: table.cells.map { cell in
                        .init(
                            group: cell.group, category: cell.category, label: cell.label, count: cell.count,
                            share: cell.share, shareStandardDeviation: cell.shareStandardDeviation, suppressed: cell.suppressed)
                    })
            })
    }
}

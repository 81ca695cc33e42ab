import ArgumentParser
import Foundation
import VigilCore
import VigilStats
import VigilStore

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Publish the custody statistics, protected by differential privacy, as JSON or CSV.",
        discussion: """
            Prints the declared tables (people in custody by criminal-history category, age, region of birth and \
            facility state; releases and removals by month and reason), each with its definitions, denominator and \
            shares. Every count has discrete Laplace noise (ε per table, default 1), counts under 11 are withheld, \
            and the ε spent is recorded in the database's privacy-budget ledger.

            One release is made per month: asking again in the same month (without --epsilon, or with the same ε) \
            prints the same release and costs nothing. A release at another ε is new, and is refused once a table's \
            budget for the month (2) would be overspent. --raw prints the true counts for oversight: no noise, \
            no budget, not for publication.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, csv
    }

    @OptionGroup var store: StoreOptions
    @Option(help: "Output format: json or csv.") var format: Format = .json
    @Option(help: ArgumentHelp("ε per table for a new release (default 1.0; smaller is more private and noisier).", valueName: "ε"))
    var epsilon: Double?
    @Option(help: ArgumentHelp("The month whose release to print (default: this month, UTC). Only this month's can be made.", valueName: "YYYY-MM"))
    var period: String?
    @Flag(help: "Oversight only: print the true counts, without noise, suppression or budget. Not for publication.")
    var raw = false

    func validate() throws {
        if let period, ReleasePeriod(iso: period) == nil {
            throw ValidationError("--period is a month written YYYY-MM, such as 2026-03")
        }
        if let epsilon, !(epsilon.isFinite && epsilon > 0) {
            throw ValidationError("--epsilon must be a positive number; 1.0 is the default")
        }
        if raw, epsilon != nil || period != nil {
            throw ValidationError("--raw prints today's true counts: it takes neither --epsilon nor --period")
        }
    }

    func run() async throws {
        guard store.isPostgres || FileManager.default.fileExists(atPath: store.database) else {
            throw ValidationError("there is no database at \(store.database): pass --database or set VIGIL_DATABASE")
        }
        let opened = try await store.openStore()
        let publisher = StatisticsPublisher(store: opened)
        let release: StatisticsRelease
        if raw {
            release = try await publisher.oversightRelease(now: Clock.now)
            // Whoever runs the command on the database's machine: audited as a local viewing.
            _ = try await opened.appendAudit([PrivacyBudget.rawViewAudit(account: nil, via: "cli", at: Clock.now)])
            Terminal.note("OVERSIGHT ONLY: true counts, without noise or suppression. Not for publication.")
        } else {
            var generator = SystemRandomNumberGenerator()
            let outcome: StatisticsPublisher.Outcome
            do {
                outcome = try await publisher.release(
                    period: period.flatMap(ReleasePeriod.init(iso:)), epsilon: epsilon, now: Clock.now, using: &generator)
            } catch let refusal as PrivacyBudgetExhausted {
                Terminal.note("refused: \(refusal)")
                Terminal.note("`vigil stats` without --epsilon prints the release already published, at no cost")
                throw ExitCode.failure
            } catch let error as StatisticsError {
                Terminal.note("refused: \(error)")
                throw ExitCode.failure
            }
            release = outcome.release
            let epsilonText = release.privacy.map { PrivacyBudget.format($0.epsilonPerTable) } ?? "?"
            Terminal.note(outcome.isNew
                ? "new release for \(release.period): ε \(epsilonText) spent on each of \(release.tables.count) tables"
                : "the release published \(release.publishedAt) for \(release.period) (ε \(epsilonText)), served again at no cost")
        }
        switch format {
        case .json: print(String(decoding: try release.jsonData(pretty: true), as: UTF8.self))
        case .csv: print(StatisticsCSV.render(release), terminator: "")
        }
    }
}

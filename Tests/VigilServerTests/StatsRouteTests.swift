import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilStore
@testable import VigilServer

/// `GET /api/v1/stats` and `GET /stats` over the fixture's invented people.
@Suite struct StatsRouteTests {
    @Test func theReleaseIsMadeOnceAndServedAgainWithoutSpendingMore() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let first = try await client.execute(uri: "/api/v1/stats", method: .get)
            #expect(first.status == .ok)
            #expect(first.json["kind"] as? String == "published")
            let tables = try #require(first.json["tables"] as? [[String: Any]])
            #expect(tables.map { $0["id"] as? String } == [
                "custody_by_criminal_history", "custody_by_age_band", "custody_by_region_of_birth",
                "custody_by_facility_state", "departures_by_month_and_reason",
            ])
            #expect(tables.allSatisfy { ($0["denominator"] as? String)?.isEmpty == false })
            // The fixture's few people: every noisy cell is withheld, and nothing is a bare count.
            for table in tables {
                for cell in table["cells"] as? [[String: Any]] ?? [] where cell["count"] != nil {
                    #expect(cell["share"] != nil)
                }
            }
            for _ in 0..<3 {
                let again = try await client.execute(uri: "/api/v1/stats", method: .get)
                #expect(again.text == first.text, "the same release, byte for byte")
            }
            let page = try await client.execute(uri: "/stats", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.text.contains("<html lang=\"en\">") && page.text.contains("<svg ") && !page.text.contains("<script"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("unsafe-inline") == false, "no inline style allowed")
            #expect(!page.text.contains("<style") && !page.text.contains(" style="))
            #expect(page.text.contains(#"<link rel="stylesheet" href="/stats.css">"#))
            let css = try await client.execute(uri: "/stats.css", method: .get)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8" && css.text.contains("font-family"))
        }
        let period = ReleasePeriod(containing: fixture.today)
        let spent = try await fixture.store.privacyBudgetSpent(period: period)
        #expect(spent.count == 5 && spent.values.allSatisfy { $0 == 1.0 }, "one release, paid once: \(spent)")
    }

    @Test func trueCountsAreForOversightOnly() async throws {
        let fixture = try await ServerFixture()
        let agency = try await fixture.token(.agency, source: "TXA")
        let oversight = try await fixture.token(.oversight)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let anonymous = try await client.execute(uri: "/api/v1/stats?raw=true", method: .get)
            #expect(anonymous.status == .unauthorized)
            let refused = try await client.execute(
                uri: "/api/v1/stats?raw=true", method: .get, headers: [.authorization: "Bearer \(agency)"])
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let raw = try await client.execute(
                uri: "/api/v1/stats?raw=true", method: .get, headers: [.authorization: "Bearer \(oversight)"])
            #expect(raw.status == .ok)
            #expect(raw.json["kind"] as? String == "raw_oversight_only")
            #expect((raw.json["notice"] as? String)?.hasPrefix("OVERSIGHT ONLY") == true)
            let tables = try #require(raw.json["tables"] as? [[String: Any]])
            let history = try #require(tables.first { $0["id"] as? String == "custody_by_criminal_history" })
            // Every fixture person in custody (all but the released one) is counted, however few.
            #expect(history["total"] as? Int == ServerFixture.Kind.allCases.count - 1)
        }
        // True counts cost no budget, and each viewing is audited with the account that saw them.
        #expect(try await fixture.store.privacyBudgetSpent(period: ReleasePeriod(containing: fixture.today)).isEmpty)
        let viewings = try await fixture.store.auditEntries(after: -1, limit: 1_000).map(\.entry)
            .filter { $0.fields["action"] == "raw_statistics_viewed" }
        #expect(viewings.count == 1)
        #expect(viewings.first?.kind == .statistics)
        #expect(viewings.first?.fields["via"] == "api")
        #expect(viewings.first?.fields["account"].flatMap(Int64.init) != nil)
    }

    @Test func theStatisticsPageIsSpanishByAcceptLanguageOrTheSwitchWithTheSameNumbers() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let json = try await client.execute(uri: "/api/v1/stats", method: .get)
            let english = try await client.execute(uri: "/stats", method: .get)
            #expect(english.text.contains("<html lang=\"en\">") && english.headers[.contentLanguage] == "en")
            #expect(english.text.contains("<a href=\"?lang=es\" hreflang=\"es\" lang=\"es\">Español</a>"), "a visible switch")
            #expect(english.headers[.vary] == "Accept-Language, Cookie" && english.headers[.setCookie] == nil)

            let byHeader = try await client.execute(uri: "/stats", method: .get, headers: [.acceptLanguage: "es-MX,es;q=0.9,en;q=0.5"])
            #expect(byHeader.status == .ok && byHeader.headers[.contentLanguage] == "es")
            #expect(byHeader.text.contains("<html lang=\"es\">") && byHeader.text.contains("<h1>Estadísticas de custodia</h1>"))
            #expect(byHeader.text.contains("<a href=\"?lang=en\" hreflang=\"en\" lang=\"en\">English</a>"))
            #expect(byHeader.headers[.setCookie] == nil, "Accept-Language alone is not remembered")

            let bySwitch = try await client.execute(uri: "/stats?lang=es", method: .get, headers: [.acceptLanguage: "en"])
            #expect(bySwitch.text == byHeader.text, "the switch beats Accept-Language")
            let cookie = try #require(bySwitch.headers[.setCookie])
            #expect(cookie.hasPrefix("vigil_lang=es;") && cookie.contains("HttpOnly"), "the same cookie as the other pages")
            #expect(bySwitch.headers[.cacheControl]?.hasPrefix("private") == true)

            let remembered = try await client.execute(uri: "/stats", method: .get, headers: [.cookie: "vigil_lang=es", .acceptLanguage: "en"])
            #expect(remembered.text == byHeader.text, "the remembered choice beats Accept-Language")
            let back = try await client.execute(uri: "/stats?lang=en", method: .get, headers: [.cookie: "vigil_lang=es"])
            #expect(back.text == english.text && back.headers[.setCookie]?.hasPrefix("vigil_lang=en;") == true)

            // One release: every count, share and error the same in both languages, the JSON unchanged and English.
            func numbers(_ html: String) -> [String] {
                html.components(separatedBy: "<td class=\"num").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
            }
            #expect(numbers(byHeader.text) == numbers(english.text))
            let again = try await client.execute(uri: "/api/v1/stats", method: .get, headers: [.acceptLanguage: "es"])
            #expect(again.text == json.text, "the published record is the same bytes whatever the language")
            #expect((again.json["tables"] as? [[String: Any]])?.first?["title"] as? String == "People in custody by criminal-history category")
            for phrase in ["criminal alien", "extranjero criminal", "extranjeros criminales"] {
                #expect(!byHeader.text.lowercased().contains(phrase))
            }
        }
    }
}
